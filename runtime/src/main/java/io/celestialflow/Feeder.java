package io.celestialflow;

import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.BaseStream;
import org.jspecify.annotations.Nullable;

/**
 * Reads one input source on its own thread and hands its tasks to a stage in chunks, waiting when
 * the stage's inbox is full: a lazy source is read only as fast as the graph consumes it, so an
 * endless-looking source streams in bounded memory.
 *
 * <p>Sources that are not collections may produce tasks slowly (a socket, a queue). Their chunk is
 * shared with the run's tick under a lock, which hands over whatever waited longer than {@link
 * RunEngine#TICK_NANOS} — but only if the stage's inbox has room, so a slow source cannot overfill
 * it either: when the inbox is full the chunk keeps filling, and the feeder waits for room once it
 * is full.
 *
 * <p>Random-access lists are usually read by the stage's own workers instead ({@link ListInput}); a
 * feeder reads them only when each task needs an id (lineage) or the stage waits for its turn.
 */
final class Feeder implements Ticking, InputReader {
  private final RunEngine run;
  private final StageRuntime target;
  private final Object source;
  private final int sourceIndex;
  private final @Nullable Observers entering;
  private final int chunkSize;
  private final boolean lingering;
  private final boolean lineage;
  private final ReentrantLock lock = new ReentrantLock();
  private final Thread thread;
  private Object[] buffer;
  private int count;
  private long firstBufferedAt;
  private long read;
  private long taken;
  private long nextId;
  private long idLimit;
  private volatile boolean exhausted;
  private volatile boolean failed;

  Feeder(RunEngine run, StageRuntime target, Object source, int sourceIndex, String threadName) {
    this.run = run;
    this.target = target;
    this.source = source;
    this.sourceIndex = sourceIndex;
    this.chunkSize = run.chunkSize();
    this.lingering = !(source instanceof Collection<?>);
    this.lineage = run.tracksLineage();
    this.entering = lineage ? target.entryObservers() : null;
    this.buffer = new Object[chunkSize];
    this.thread = run.newThread(threadName, this::feed);
    target.hold();
  }

  @Override
  public void start() {
    thread.start();
  }

  @Override
  public void interrupt() {
    thread.interrupt();
  }

  @Override
  public boolean join(long nanos) throws InterruptedException {
    return thread.join(Duration.ofNanos(Math.max(1, nanos)));
  }

  /** How far the source was read; final once the feeder's thread has ended. */
  @Override
  public InputProgress progress() {
    return new InputProgress(target.name(), sourceIndex, taken, exhausted, failed);
  }

  private void feed() {
    @Nullable BaseStream<?, ?> stream = source instanceof BaseStream<?, ?> s ? s : null;
    try {
      feedEach(iterator());
      exhausted = !run.isCancelled();
      lock.lock();
      try {
        flush();
      } finally {
        lock.unlock();
      }
    } catch (InterruptedException e) {
      // Cancelled: the chunk being handed over was recorded as unfinished by the stage.
    } catch (VirtualMachineError e) {
      run.fatal(target, e);
    } catch (Throwable error) {
      failed = true;
      if (!run.isCancelled()) {
        run.recordInputFailure(InputFailure.of(target.name(), read, error));
      }
      lock.lock();
      try {
        flush();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        lock.unlock();
      }
    } finally {
      if (stream != null) {
        try {
          stream.close();
        } catch (RuntimeException e) {
          run.recordInputFailure(InputFailure.of(target.name(), read, e));
        }
      }
      target.release(1);
    }
  }

  private void feedEach(Iterator<?> it) throws InterruptedException {
    while (!run.isCancelled() && it.hasNext()) {
      Object task = it.next();
      taken++;
      if (task == null) {
        run.recordInputFailure(InputFailure.nullTask(target.name(), read));
        continue;
      }
      read++;
      Object item = lineage ? Envelope.tracked(task, newId(), 0) : task;
      if (entering != null) {
        entering.entered(item, null, sourceIndex);
      }
      if (lingering) {
        lock.lock();
        try {
          add(item);
        } finally {
          lock.unlock();
        }
      } else {
        add(item);
      }
    }
  }

  private long newId() {
    if (nextId == idLimit) {
      nextId = run.reserveTaskIds(chunkSize);
      idLimit = nextId + chunkSize;
    }
    return nextId++;
  }

  private Iterator<?> iterator() {
    return switch (source) {
      case Iterable<?> iterable -> iterable.iterator();
      case BaseStream<?, ?> stream -> stream.iterator();
      case Iterator<?> iterator -> iterator;
      default -> throw new IllegalStateException("unsupported input source " + source.getClass());
    };
  }

  private void add(Object task) throws InterruptedException {
    if (count == 0 && lingering) {
      firstBufferedAt = run.clock().nanoTime();
    }
    buffer[count++] = task;
    if (count == chunkSize) {
      flush();
    }
  }

  /**
   * Hands the buffered tasks to the stage, waiting for room; the caller holds the lock if needed.
   */
  private void flush() throws InterruptedException {
    if (count == 0) {
      return;
    }
    deliver(takeBuffer());
  }

  /** Hands a chunk to the stage (waiting for room), or records it unfinished if cancelled. */
  private void deliver(Chunk chunk) throws InterruptedException {
    if (run.isCancelled()) {
      target.acceptUnfinished(chunk);
    } else {
      target.accept(chunk, true);
    }
  }

  private Chunk takeBuffer() {
    Chunk chunk = new Chunk(buffer, 0, count);
    buffer = new Object[chunkSize];
    count = 0;
    return chunk;
  }

  /** The run's tick: hands over a chunk that has waited too long, if the stage has room now. */
  @Override
  public void tick(long now) {
    if (!lingering || !lock.tryLock()) {
      return; // the feeder is adding or waiting for room: it will hand over by itself
    }
    try {
      if (count > 0 && now - firstBufferedAt >= RunEngine.TICK_NANOS && !run.isCancelled()) {
        Chunk chunk = new Chunk(buffer, 0, count);
        if (target.tryAccept(chunk, true)) {
          buffer = new Object[chunkSize];
          count = 0;
        }
      }
    } finally {
      lock.unlock();
    }
  }
}
