package io.celestialflow;

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
 * shared with the run's linger timer under a lock, which flushes whatever waited longer than {@link
 * #LINGER_NANOS}, so a task never sits in a half-filled chunk for long.
 */
final class Feeder {
  static final long LINGER_NANOS = 2_000_000;

  private final RunEngine run;
  private final StageRuntime target;
  private final Object source;
  private final int chunkSize;
  private final boolean lingering;
  private final ReentrantLock lock = new ReentrantLock();
  private final Thread thread;
  private Object[] buffer;
  private int count;
  private long firstBufferedAt;
  private long read;
  private long taken;

  private final int sourceIndex;
  private volatile boolean exhausted;
  private volatile boolean failed;

  Feeder(RunEngine run, StageRuntime target, Object source, int sourceIndex, String threadName) {
    this.run = run;
    this.sourceIndex = sourceIndex;
    this.target = target;
    this.source = source;
    this.chunkSize = run.chunkSize();
    this.lingering = !(source instanceof Collection<?>);
    this.buffer = new Object[chunkSize];
    this.thread = Thread.ofPlatform().name(threadName).daemon(true).unstarted(this::feed);
    target.hold();
  }

  /** How far the source was read; final once the feeder's thread has ended. */
  InputProgress progress() {
    return new InputProgress(target.name(), sourceIndex, taken, exhausted, failed);
  }

  boolean lingering() {
    return lingering;
  }

  void start() {
    thread.start();
  }

  void interrupt() {
    thread.interrupt();
  }

  boolean join(long nanos) throws InterruptedException {
    return thread.join(java.time.Duration.ofNanos(Math.max(1, nanos)));
  }

  private void feed() {
    @Nullable BaseStream<?, ?> stream = source instanceof BaseStream<?, ?> s ? s : null;
    try {
      Iterator<?> it = iterator();
      while (!run.isCancelled() && it.hasNext()) {
        Object task = it.next();
        taken++;
        if (task == null) {
          run.recordInputFailure(
              InputFailure.of(
                  target.name(),
                  read,
                  new NullPointerException(
                      "input source produced a null task after "
                          + read
                          + " tasks; tasks must not be null (it was skipped)")));
          continue;
        }
        read++;
        if (lingering) {
          lock.lock();
          try {
            add(task);
          } finally {
            lock.unlock();
          }
        } else {
          add(task);
        }
      }
      exhausted = !run.isCancelled();
      lock.lock();
      try {
        flush(true);
      } finally {
        lock.unlock();
      }
    } catch (InterruptedException e) {
      // Cancelled: the chunk being handed over was recorded as unfinished by the stage.
    } catch (Throwable error) {
      failed = true;
      if (!run.isCancelled()) {
        run.recordInputFailure(InputFailure.of(target.name(), read, error));
      }
      lock.lock();
      try {
        flush(false);
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

  private Iterator<?> iterator() {
    return switch (source) {
      case Iterable<?> iterable -> iterable.iterator();
      case BaseStream<?, ?> stream -> stream.iterator();
      case Iterator<?> iterator -> iterator;
      default -> throw new IllegalStateException("unsupported input source " + source.getClass());
    };
  }

  private void add(Object task) throws InterruptedException {
    if (count == 0) {
      if (lingering) {
        firstBufferedAt = System.nanoTime();
      }
    }
    buffer[count++] = task;
    if (count == chunkSize) {
      flush(true);
    }
  }

  /** Hands the buffered tasks to the stage; the caller holds the lock if the source lingers. */
  private void flush(boolean blocking) throws InterruptedException {
    if (count == 0) {
      return;
    }
    Chunk chunk = new Chunk(buffer, 0, count);
    buffer = new Object[chunkSize];
    count = 0;
    if (run.isCancelled()) {
      target.acceptUnfinished(chunk);
    } else {
      target.accept(chunk, blocking);
    }
  }

  /** Called by the run's linger timer: flushes a chunk that has waited too long. */
  void lingerCheck(long now) {
    if (!lock.tryLock()) {
      return; // the feeder is adding or waiting for room: it will flush by itself
    }
    try {
      if (count > 0 && now - firstBufferedAt >= LINGER_NANOS) {
        flush(false);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
  }
}
