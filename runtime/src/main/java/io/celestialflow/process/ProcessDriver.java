package io.celestialflow.process;

import io.celestialflow.Routed;
import io.celestialflow.WorkerCrashedException;
import io.celestialflow.codec.CodecException;
import io.celestialflow.codec.TaskCodec;
import io.celestialflow.internal.BackendDriver;
import io.celestialflow.internal.StagePort;
import io.celestialflow.internal.TaskBatch;
import io.celestialflow.internal.TaskPort;
import java.io.DataInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link io.celestialflow.ExecutionMode#PROCESS}: {@code workers} child JVMs, each running {@link
 * ProcessWorkerMain}, fed batches of encoded tasks over a loopback socket. The engine sees it as a
 * {@link BackendDriver}; it sees its stage only through {@link StagePort} and {@link TaskPort}.
 *
 * <h2>Threads</h2>
 *
 * Each worker has a <em>slot</em> that outlives the JVMs it starts, with two threads: a sender
 * takes chunks from the stage's inbox, checks tasks in (duplicates), encodes them and sends them as
 * one TASKS frame; a keeper starts the JVM, reads its RESULTS frames, decodes each result and emits
 * it downstream through the stage's per-task core ({@link TaskPort}: {@code succeed}, {@code fail},
 * {@code settle}), and starts a replacement when the JVM dies. A watchdog thread per stage kills
 * workers that stop sending heartbeats or run a task past the stage's timeout.
 *
 * <h2>Flow control</h2>
 *
 * A slot keeps at most a <em>window</em> of tasks at its worker: enough for about {@link
 * #TARGET_QUEUE_NANOS} of work (measured from the worker's own timings), at least 2 so the worker
 * never waits for the next batch, at most four chunks. Small tasks therefore travel in large
 * batches, while slow tasks are handed out a few at a time and spread evenly over the workers.
 *
 * <h2>When a worker dies</h2>
 *
 * Every task sent to a worker is <em>held</em> by its slot until its result arrives. When the
 * worker dies — it exited, crashed, was killed from outside, or was killed by the watchdog — the
 * slot reads the worker's {@link ProgressFile}: the task it was running (if any) fails with a
 * {@link WorkerCrashedException} (or a {@link TimeoutException}), subject to the retry policy like
 * any failure; every other held task is put back in the inbox unchanged, as a re-run rather than a
 * new attempt (tasks whose results were lost with the worker run again: delivery is at least once).
 * Then a replacement starts. A slot whose worker fails to start three times in a row gives up and
 * hands its tasks back to the other slots; once every slot has given up the stage is broken: its
 * tasks fail with the reason, and the run still ends.
 */
final class ProcessDriver implements BackendDriver {
  private static final Logger log = LoggerFactory.getLogger(ProcessDriver.class);

  /** How much work (measured) a worker should have queued: enough to hide a round trip. */
  static final long TARGET_QUEUE_NANOS = 2_000_000;

  private static final int INITIAL_WINDOW = 8;
  private static final int MIN_WINDOW = 2;
  private static final int MAX_BATCH_BYTES = 1 << 20;
  private static final long MAX_HELD_BYTES = 16L << 20;
  private static final int START_ATTEMPTS = 3;

  private final StagePort stage;
  private final ProcessSpec spec;
  private final String name;
  private final String threadPrefix;
  private final Slot[] slots;
  private final Thread watchdog;
  private final long heartbeatNanos;
  private final long timeoutNanos;
  private final long watchPeriodNanos;

  /** Set by cancel() or join(): no more workers start. */
  private volatile boolean stopping;

  /** Set when no worker can start: the stage fails its tasks with this reason. */
  private volatile @Nullable String broken;

  /** Slots that gave up starting workers; the stage is broken when all have. */
  private final AtomicInteger slotsGivenUp = new AtomicInteger();

  ProcessDriver(ProcessSpec spec, StagePort stage, int workers, String threadPrefix) {
    this.stage = stage;
    this.spec = spec;
    this.name = stage.name();
    this.threadPrefix = threadPrefix;
    this.heartbeatNanos = spec.heartbeatTimeout().toNanos();
    this.timeoutNanos = stage.timeout().map(Duration::toNanos).orElse(0L);
    long period = heartbeatNanos / 4;
    if (timeoutNanos > 0) {
      period = Math.min(period, timeoutNanos / 4);
    }
    this.watchPeriodNanos =
        Math.clamp(period, TimeUnit.MILLISECONDS.toNanos(5), TimeUnit.MILLISECONDS.toNanos(250));
    this.slots = new Slot[workers];
    for (int i = 0; i < workers; i++) {
      slots[i] = new Slot(i);
    }
    this.watchdog = stage.newThread(threadPrefix + "-watchdog", this::watch);
  }

  @Override
  public void start() {
    for (Slot s : slots) {
      s.keeper.start();
      s.sender.start();
    }
    watchdog.start();
  }

  @Override
  public void cancel() {
    stopping = true;
    for (Slot s : slots) {
      s.sender.interrupt();
      s.stopWorker();
    }
    watchdog.interrupt();
  }

  @Override
  public boolean join(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    boolean all = true;
    for (Slot s : slots) {
      all &= s.sender.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
    }
    // Senders are done (the inbox is closed): no task is held, so nothing needs a worker now.
    stopping = true;
    for (Slot s : slots) {
      s.wake();
    }
    for (Slot s : slots) {
      long left = deadline - System.nanoTime() - TimeUnit.SECONDS.toNanos(2);
      if (!s.keeper.join(Duration.ofNanos(Math.max(1, left)))) {
        s.killWorker(); // a last resort: it ignored the goodbye and the stop
        all &= s.keeper.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      }
    }
    watchdog.interrupt();
    all &= watchdog.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
    return all;
  }

  private boolean cancelled() {
    return stage.isCancelled();
  }

  @Override
  public int running() {
    int n = 0;
    for (Slot s : slots) {
      WorkerProcess w = s.current();
      if (w != null && w.progress.started() > w.progress.finished()) {
        n++;
      }
    }
    return n;
  }

  // ---------------------------------------------------------------- watchdog

  private void watch() {
    try {
      while (!stopping) {
        TimeUnit.NANOSECONDS.sleep(watchPeriodNanos);
        long now = System.nanoTime();
        for (Slot s : slots) {
          WorkerProcess w = s.current();
          if (w != null) {
            check(w, now);
          }
        }
      }
    } catch (InterruptedException e) {
      // Stopping.
    }
  }

  private void check(WorkerProcess w, long now) {
    if (!w.process.isAlive()) {
      w.closeConnection(); // its reader may wait on a socket someone else still holds open
      return;
    }
    if (!w.readerBusy && now - w.lastHeard > heartbeatNanos) {
      log.warn(
          "{} sent nothing for {} (heartbeat timeout); killing it", w, spec.heartbeatTimeout());
      w.kill(WorkerProcess.Kill.HUNG);
      return;
    }
    if (timeoutNanos > 0) {
      long started = w.progress.started();
      if (started > w.progress.finished()) {
        if (started != w.watchedSeq) {
          w.watchedSeq = started;
          w.watchedSince = now;
        } else if (now - w.watchedSince > timeoutNanos) {
          w.kill(WorkerProcess.Kill.TIMED_OUT);
        }
      }
    }
  }

  // ---------------------------------------------------------------- slots

  /** A task sent to a worker, waiting for its result. */
  private record Held(long seq, Object item, TaskPort.@Nullable Observation obs, int bytes) {}

  /** A task checked in and encoded, not yet sent. */
  private record Encoded(Object item, TaskPort.@Nullable Observation obs, byte[] bytes) {}

  /** One result entry as read from the wire, before it is decoded. */
  private record Entry(byte status, byte[][] payloads, List<String> targets) {}

  /** One worker position: its current JVM, the tasks it holds, its two threads. */
  private final class Slot {
    final int index;
    final Thread sender;
    final Thread keeper;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    // Guarded by lock.
    private @Nullable WorkerProcess current;
    private volatile boolean closing;
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private long heldBytes;
    private int window = INITIAL_WINDOW;
    private double taskNanos;

    /** Worker deaths in a row with tasks held but none running (see handleEnd). */
    private int idleDeaths;

    /** Its workers failed to start {@link #START_ATTEMPTS} times in a row: it takes no tasks. */
    private volatile boolean gaveUp;

    Slot(int index) {
      this.index = index;
      String p = threadPrefix + "-w" + index;
      this.sender = stage.newThread(p + "-send", this::send);
      this.keeper = stage.newThread(p, this::keep);
    }

    @Nullable WorkerProcess current() {
      lock.lock();
      try {
        return current;
      } finally {
        lock.unlock();
      }
    }

    void wake() {
      lock.lock();
      try {
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    void stopWorker() {
      WorkerProcess w;
      lock.lock();
      try {
        w = current;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      if (w != null) {
        w.stop();
      }
    }

    void killWorker() {
      WorkerProcess w;
      lock.lock();
      try {
        w = current;
      } finally {
        lock.unlock();
      }
      if (w != null) {
        w.kill(WorkerProcess.Kill.STOPPED);
      }
    }

    private boolean mustStop() {
      return stopping || gaveUp || cancelled() || closing;
    }

    // -------------------------------------------------------------- sender

    private void send() {
      TaskPort tasks = stage.newTaskPort(2);
      Wire.Frame frame = new Wire.Frame(64 * 1024);
      try {
        stage.awaitGate();
        while (!cancelled()) {
          int want = awaitRoom();
          if (want < 0) {
            break; // this slot gave up; the others take the tasks
          }
          TaskBatch claimed = stage.claim(slots.length, want);
          if (claimed == null) {
            break;
          }
          List<Encoded> batch = checkIn(claimed, tasks);
          tasks.settle();
          sendAll(batch, frame, tasks);
        }
      } catch (InterruptedException e) {
        // Cancelled: sendAll recorded what this thread held.
      } catch (RuntimeException | Error e) {
        stage.fatal(e);
      } finally {
        close();
      }
    }

    /**
     * Waits while this slot's worker holds a full window.
     *
     * @return how many tasks to take, or -1 if this slot gave up (and the stage is not broken)
     */
    private int awaitRoom() throws InterruptedException {
      lock.lock();
      try {
        while (true) {
          if (broken == null && gaveUp) {
            return -1;
          }
          if (current == null || broken != null) {
            return Math.min(window, stage.chunkSize());
          }
          int room = window - held.size();
          if (room > 0 && (heldBytes < MAX_HELD_BYTES || held.isEmpty())) {
            return Math.min(room, stage.chunkSize());
          }
          changed.await();
        }
      } finally {
        lock.unlock();
      }
    }

    /** Checks tasks in and encodes them; duplicates and unencodable tasks are settled here. */
    private List<Encoded> checkIn(TaskBatch claimed, TaskPort tasks) {
      int n = claimed.size();
      List<Encoded> batch = new ArrayList<>(n);
      TaskCodec<Object> codec = spec.input();
      for (int i = 0; i < n; i++) {
        Object item = claimed.item(i);
        Object task = tasks.admit(item);
        if (task == null) {
          continue; // a duplicate, counted by admit
        }
        TaskPort.Observation obs = tasks.observe(item, task);
        try {
          String why = broken;
          if (why != null) {
            throw new WorkerCrashedException(why);
          }
          byte[] bytes;
          try {
            bytes = codec.encode(task);
          } catch (CodecException e) {
            throw e.forStage(name, "send a task to a worker process");
          }
          batch.add(new Encoded(item, obs, bytes));
        } catch (RuntimeException e) {
          tasks.fail(item, e, obs);
        }
      }
      return batch;
    }

    /** Sends encoded tasks to the current worker, waiting for one if it is (re)starting. */
    private void sendAll(List<Encoded> batch, Wire.Frame frame, TaskPort tasks)
        throws InterruptedException {
      int next = 0;
      try {
        while (next < batch.size()) {
          WorkerProcess w = awaitWorker();
          if (w == null) {
            String why = broken;
            if (why == null) { // this slot gave up: the other slots take these tasks
              stage.requeue(batch.subList(next, batch.size()).stream().map(Encoded::item).toList());
              next = batch.size();
              break;
            }
            for (; next < batch.size(); next++) { // every slot gave up: the stage is broken
              Encoded e = batch.get(next);
              tasks.fail(e.item(), new WorkerCrashedException(why), e.obs());
            }
            break;
          }
          int end = next;
          long bytes = 0;
          lock.lock();
          try {
            if (current != w || w.writeFailed) {
              continue; // it died meanwhile; wait for the next one
            }
            long first = w.nextSeq;
            frame.begin(Wire.TASKS).putLong(first).putInt(0);
            while (end < batch.size() && (end == next || bytes < MAX_BATCH_BYTES)) {
              Encoded e = batch.get(end++);
              bytes += e.bytes().length;
              held.addLast(new Held(w.nextSeq++, e.item(), e.obs(), e.bytes().length));
              heldBytes += e.bytes().length;
              frame.putBytes(e.bytes());
            }
            frame.setInt(1 + 4 + 8, end - next);
          } finally {
            lock.unlock();
          }
          next = end; // held now: the keeper answers for them whatever happens to the worker
          try {
            w.send(frame);
          } catch (IOException e) {
            w.writeFailed = true;
            w.kill(WorkerProcess.Kill.CONNECTION_LOST);
          }
          frame.trim();
        }
      } finally {
        if (next < batch.size()) { // interrupted by a cancellation
          for (int i = next; i < batch.size(); i++) {
            tasks.abandon(batch.get(i).item());
          }
        }
        tasks.settle();
      }
    }

    /** Waits for a connected worker; null if this slot gave up or the stage is broken. */
    private @Nullable WorkerProcess awaitWorker() throws InterruptedException {
      lock.lock();
      try {
        while (true) {
          if (broken != null || gaveUp) {
            return null;
          }
          if (cancelled()) {
            throw new InterruptedException("cancelled");
          }
          WorkerProcess w = current;
          if (w != null && !w.writeFailed) {
            return w;
          }
          changed.await();
        }
      } finally {
        lock.unlock();
      }
    }

    /** No more tasks will come: the worker may go. */
    private void close() {
      WorkerProcess w;
      lock.lock();
      try {
        closing = true;
        w = current;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      if (w != null) {
        w.sayGoodbye();
      }
    }

    // -------------------------------------------------------------- keeper

    private void keep() {
      TaskPort tasks = stage.newTaskPort(stage.chunkSize());
      int failedStarts = 0;
      try {
        while (!mustStop()) {
          WorkerProcess w;
          try {
            w =
                WorkerProcess.start(
                    spec, name, stage.kind(), index, threadPrefix + "-w" + index, this::mustStop);
          } catch (WorkerProcess.StartFailure e) {
            if (e.aborted) {
              break;
            }
            failedStarts++;
            log.warn("{} (attempt {} of {})", e.getMessage(), failedStarts, START_ATTEMPTS);
            if (failedStarts >= START_ATTEMPTS) {
              giveUp(String.valueOf(e.getMessage()));
              break;
            }
            pause(100L * failedStarts);
            continue;
          }
          failedStarts = 0;
          lock.lock();
          try {
            current = w;
            changed.signalAll();
          } finally {
            lock.unlock();
          }
          if (closing) {
            w.sayGoodbye(); // the sender finished while this worker was starting
          }
          IOException error = readResults(w, tasks);
          handleEnd(w, error, tasks);
        }
      } catch (RuntimeException | Error e) {
        stage.fatal(e);
      }
    }

    private void pause(long millis) {
      lock.lock();
      try {
        long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
        while (nanos > 0 && !mustStop()) {
          nanos = changed.awaitNanos(nanos);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        lock.unlock();
      }
    }

    /** Stops starting workers here; breaks the stage if no slot is left. */
    private void giveUp(String reason) {
      if (slotsGivenUp.incrementAndGet() == slots.length) {
        String why =
            "stage '"
                + name
                + "' cannot start its worker processes ("
                + START_ATTEMPTS
                + " attempts in a row failed); last failure: "
                + reason;
        broken = why; // before gaveUp: a sender that sees gaveUp then sees broken
        log.error(why);
      } else {
        log.error(
            "worker {} of stage '{}' gave up after {} failed starts; the other workers carry on",
            index,
            name,
            START_ATTEMPTS);
      }
      gaveUp = true;
      for (Slot s : slots) {
        s.wake();
      }
    }

    /**
     * Reads frames until the connection ends.
     *
     * @return null at a clean end of stream, otherwise what broke
     */
    private @Nullable IOException readResults(WorkerProcess w, TaskPort tasks) {
      DataInputStream in = w.in;
      try {
        while (true) {
          int length = Wire.readLength(in);
          if (length < 0) {
            return null;
          }
          w.readerBusy = true;
          byte type = in.readByte();
          switch (type) {
            case Wire.RESULTS -> readBatch(in, tasks);
            case Wire.HEARTBEAT -> {}
            default -> throw new IOException("unexpected frame type " + type);
          }
          w.lastHeard = System.nanoTime();
          w.readerBusy = false;
        }
      } catch (IOException e) {
        return e;
      } catch (InterruptedException e) {
        // Cancelled while delivering: the outputs were recorded as unfinished downstream.
        return new IOException("cancelled", e);
      } finally {
        w.readerBusy = false;
      }
    }

    private void readBatch(DataInputStream in, TaskPort tasks)
        throws IOException, InterruptedException {
      long first = in.readLong();
      int n = in.readInt();
      long busyNanos = in.readLong();
      Held[] done = new Held[n];
      lock.lock();
      try {
        Held head = held.peekFirst();
        if (n < 1 || held.size() < n || head == null || head.seq() != first) {
          throw new IOException(
              "results for tasks "
                  + first
                  + ".."
                  + (first + n - 1)
                  + " do not match the tasks held ("
                  + (head == null ? "none" : "from " + head.seq())
                  + ")");
        }
        for (int i = 0; i < n; i++) {
          Held h = held.removeFirst();
          heldBytes -= h.bytes();
          done[i] = h;
        }
        double perTask = Math.max(1.0, (double) busyNanos / n);
        taskNanos = taskNanos == 0 ? perTask : 0.8 * taskNanos + 0.2 * perTask;
        window =
            (int)
                Math.clamp(
                    (long) Math.ceil(TARGET_QUEUE_NANOS / taskNanos),
                    MIN_WINDOW,
                    4L * stage.chunkSize());
        idleDeaths = 0;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      int settled = 0;
      try {
        while (settled < n) {
          Entry entry = readEntry(in);
          apply(done[settled], entry, tasks);
          settled++;
          tasks.flushIfFull();
        }
        tasks.flushAll();
      } finally {
        if (settled < n) {
          // The connection broke in the middle of the frame, or the run was cancelled while
          // delivering: the rest go with the worker's other held tasks.
          lock.lock();
          try {
            for (int i = n - 1; i >= settled; i--) {
              held.addFirst(done[i]);
              heldBytes += done[i].bytes();
            }
          } finally {
            lock.unlock();
          }
        }
        if (cancelled()) {
          tasks.abandonAll();
        } else if (tasks.hasBuffered()) {
          // Settled tasks must not be released before their outputs are delivered.
          try {
            tasks.flushAll();
          } catch (InterruptedException e) {
            tasks.abandonAll();
            Thread.currentThread().interrupt();
          }
        }
        tasks.settle();
      }
    }

    private Entry readEntry(DataInputStream in) throws IOException {
      byte status = in.readByte();
      return switch (status) {
        case Wire.VALUE, Wire.FAILED ->
            new Entry(status, new byte[][] {Wire.readBytes(in)}, List.of());
        case Wire.VALUES -> {
          int count = in.readInt();
          if (count < 0) {
            throw new IOException("invalid value count " + count);
          }
          byte[][] values = new byte[count][];
          for (int i = 0; i < count; i++) {
            values[i] = Wire.readBytes(in);
          }
          yield new Entry(status, values, List.of());
        }
        case Wire.ROUTED -> {
          int count = in.readInt();
          if (count < 0) {
            throw new IOException("invalid target count " + count);
          }
          List<String> targets = new ArrayList<>(count);
          for (int i = 0; i < count; i++) {
            targets.add(Wire.readString(in));
          }
          yield new Entry(status, new byte[][] {Wire.readBytes(in)}, targets);
        }
        case Wire.NONE, Wire.NULL -> new Entry(status, new byte[0][], List.of());
        default -> throw new IOException("unknown result status " + status);
      };
    }

    /** Decodes one result and emits it, or records the failure; never throws. */
    private void apply(Held task, Entry entry, TaskPort tasks) throws InterruptedException {
      Object item = task.item();
      Object raw;
      try {
        raw =
            switch (entry.status()) {
              case Wire.VALUE -> decode(entry.payloads()[0]);
              case Wire.VALUES -> {
                List<Object> values = new ArrayList<>(entry.payloads().length);
                for (byte[] p : entry.payloads()) {
                  values.add(decode(p));
                }
                yield values;
              }
              case Wire.ROUTED -> new Routed<>(entry.targets(), decode(entry.payloads()[0]));
              case Wire.FAILED ->
                  throw new RemoteFailure(
                      ThrowableTransfer.read(
                          entry.payloads()[0], "of stage '" + name + "' (worker " + index + ")"));
              default -> null; // NONE (a consumer) or NULL (the engine reports a null result)
            };
      } catch (RemoteFailure f) {
        tasks.fail(item, f.error, task.obs());
        return;
      } catch (CodecException e) {
        tasks.fail(item, e.forStage(name, "read a result from a worker process"), task.obs());
        return;
      } catch (RuntimeException e) {
        tasks.fail(item, e, task.obs());
        return;
      }
      if (!tasks.succeed(item, raw, task.obs())) {
        throw new InterruptedException("cancelled while emitting");
      }
    }

    private Object decode(byte[] payload) {
      TaskCodec<Object> codec = spec.output();
      if (codec == null) {
        throw new IllegalStateException("stage '" + name + "' has no output codec");
      }
      return codec.decode(payload);
    }

    /**
     * The worker's connection ended: settle what it held, make sure it is gone, and report.
     *
     * @param error what broke the connection, or null for a clean end of stream
     */
    private void handleEnd(WorkerProcess w, @Nullable IOException error, TaskPort tasks) {
      Held[] left;
      boolean expected;
      lock.lock();
      try {
        current = null;
        left = held.toArray(new Held[0]);
        held.clear();
        heldBytes = 0;
        expected = closing || stopping || cancelled();
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      if (error != null && !expected) {
        // Usually a consequence of the death reported below (a reset, an end of stream); a worker
        // that broke the protocol is told apart only here.
        log.debug("{}: connection ended: {}", w, error.toString());
      }
      // A worker that closed its connection unasked is usually exiting: give it a moment, so that
      // its own exit status (not our SIGKILL's) is reported.
      WorkerProcess.Kill killed = w.killed();
      long grace =
          killed == WorkerProcess.Kill.STOPPED ? 5000 : killed != null ? 0 : expected ? 5000 : 1000;
      int status = w.terminate(grace);
      WorkerProcess.Kill kill = w.killed();
      if (left.length == 0) {
        if (!expected) {
          log.warn(
              "{} exited unexpectedly ({}); starting a replacement", w, describe(status, kill));
        }
        return;
      }
      if (cancelled()) {
        for (Held h : left) {
          tasks.abandon(h.item());
        }
        tasks.settle();
        return;
      }
      long started = w.progress.started();
      long finished = w.progress.finished();
      Held culprit = null;
      if (started > finished) {
        for (Held h : left) {
          if (h.seq() == started) {
            culprit = h;
          }
        }
      } else if (++idleDeaths >= 2) {
        // It keeps dying before running a task (a batch too big for its heap?): blame the first
        // task so that the stage makes progress.
        culprit = left[0];
        idleDeaths = 0;
      }
      List<Object> again = new ArrayList<>(left.length);
      for (Held h : left) {
        if (h != culprit) {
          again.add(h.item());
        }
      }
      String what = w + " " + describe(status, kill);
      stage.requeue(again); // re-runs of the same attempt, not new attempts
      if (culprit != null) {
        Throwable cause =
            kill == WorkerProcess.Kill.TIMED_OUT
                ? new TimeoutException(
                    "task exceeded the "
                        + stage.timeout().orElse(Duration.ZERO)
                        + " timeout of stage '"
                        + name
                        + "'; its worker process (pid "
                        + w.pid
                        + ") was killed")
                : new WorkerCrashedException(what + " while running this task" + w.tail());
        tasks.fail(culprit.item(), cause, culprit.obs());
        tasks.settle();
      }
      log.warn(
          "{} while holding {} task(s): {} sent again{}; starting a replacement",
          what,
          left.length,
          again.size(),
          culprit == null ? "" : ", the running one failed");
    }

    private String describe(int status, WorkerProcess.@Nullable Kill kill) {
      if (kill == null) {
        return status == -1 ? "could not be reaped" : "exited with status " + status;
      }
      return switch (kill) {
        case HUNG -> "sent no heartbeat for " + spec.heartbeatTimeout() + " and was killed";
        case TIMED_OUT -> "ran a task past the stage's timeout and was killed";
        case CONNECTION_LOST -> "lost its connection and was killed";
        case STOPPED -> "was stopped";
      };
    }
  }

  /** Carries a task's own exception out of the decoding switch. */
  private static final class RemoteFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient Throwable error;

    RemoteFailure(Throwable error) {
      super(null, null, false, false);
      this.error = error;
    }
  }
}
