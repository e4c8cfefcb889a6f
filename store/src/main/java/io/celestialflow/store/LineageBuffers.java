package io.celestialflow.store;

import io.celestialflow.spi.SettledTasks;
import io.celestialflow.spi.TaskOutcome;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jspecify.annotations.Nullable;

/**
 * The engine side of one run's lineage: events are encoded into blocks of the log ({@link
 * LineageBlockFormat}) in striped buffers (chosen by thread id, each under its own spin lock — not
 * one per thread, since a stage on virtual threads runs every task on a new thread), and a block is
 * handed to the writer as one {@link Entry.LineageBlock} when it is full or holds events older than
 * {@link #MAX_AGE_MS}. So an event costs an engine thread a lock and a few stores, and the writer
 * one entry per {@value #EVENTS} records, which it writes to the log as it is. The arrays are
 * recycled: the writer hands each back once written, so a run allocates only as many as are in
 * flight at once.
 */
final class LineageBuffers {
  /** Records per block at most: events, and the times before them. */
  static final int EVENTS = 4096;

  /** A buffer holding events older than this is handed over at its next event. */
  static final long MAX_AGE_MS = 1000;

  /**
   * Where full buffers go; returns false if the block was dropped. The sink owns the block: it
   * {@linkplain Entry.LineageBlock#recycle recycles} it once written or dropped, and only then.
   */
  interface Sink {
    boolean offer(Entry.LineageBlock block);
  }

  /**
   * One buffer, padded so that two stripes never share a cache line, under a spin lock: it is held
   * for a few stores and never while blocking, and its threads seldom meet (a stripe per thread id,
   * mostly). An uncontended monitor costs two atomic instructions, this one: 14–15 → 9–11 ns per
   * event appended, measured alone from 1 and 4 threads.
   */
  @SuppressWarnings("unused")
  private static final class Stripe {
    private static final VarHandle LOCKED;

    static {
      try {
        LOCKED = MethodHandles.lookup().findVarHandle(Stripe.class, "locked", int.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    long p1, p2, p3, p4, p5, p6, p7;
    private volatile int locked;
    final LineageBlockFormat.Encoder block = new LineageBlockFormat.Encoder();
    @Nullable String lastStage;
    int lastIndex;
    long q1, q2, q3, q4, q5, q6, q7;

    void lock() {
      int spins = 0;
      while (!LOCKED.compareAndSet(this, 0, 1)) {
        if (++spins < 100) {
          Thread.onSpinWait();
        } else {
          Thread.yield(); // the holder lost its core: let it have one
        }
      }
    }

    void unlock() {
      LOCKED.setRelease(this, 0);
    }
  }

  private final String runId;
  private final List<String> stages;
  private final Map<String, Integer> stageIndex = new HashMap<>();
  private final Sink sink;
  private final Queue<byte[]> free = new ConcurrentLinkedQueue<>();
  private final java.util.function.Supplier<byte[]> buffers = this::buffer;
  private final Stripe[] stripes;
  private final int mask;

  /**
   * @param runId the run
   * @param stages the graph's stage names: events refer to a stage by its index here
   * @param sink where full buffers go
   */
  LineageBuffers(String runId, List<String> stages, Sink sink) {
    if (stages.size() > LineageRecord.MAX_STAGES) {
      throw new IllegalArgumentException("lineage records at most 65,535 stages");
    }
    this.runId = runId;
    this.stages = List.copyOf(stages);
    for (int i = 0; i < stages.size(); i++) {
      stageIndex.put(stages.get(i), i);
    }
    this.sink = sink;
    // Enough stripes that the engine's threads seldom share one: their ids are mostly consecutive.
    // A stripe's buffer is allocated at its first event, so unused stripes cost a small object.
    int n = Integer.highestOneBit(Math.max(32, 4 * Runtime.getRuntime().availableProcessors()) - 1);
    this.stripes = new Stripe[Math.min(256, n * 2)];
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new Stripe();
    }
    this.mask = stripes.length - 1;
  }

  /**
   * Appends one event: an attempt the engine reported alone, not in a batch.
   *
   * @return the number of events lost doing so: this one if its stage is not one of the graph's or
   *     an id, the attempt or the time does not fit a {@link LineageRecord}, and those of full
   *     buffers the writer did not take
   */
  long add(long task, long parent, String stage, TaskOutcome outcome, int attempt, long at) {
    return addAll(new OneAttempt(runId, stage, task, parent, attempt, outcome), at);
  }

  /**
   * Appends a batch of events of one stage, all at time {@code at}, under one lock: the engine's
   * batches of settled attempts. Attempts without an id (the run does not track identity) are left
   * out.
   *
   * @return the number of events lost: those that do not fit a {@link LineageRecord} or are of a
   *     stage not in the graph, and those of full buffers the writer did not take
   */
  long addAll(SettledTasks tasks, long at) {
    Stripe s = stripe();
    List<Entry.LineageBlock> full = null;
    long lost = 0;
    s.lock();
    try {
      int index = index(s, tasks.stage());
      if (index < 0) {
        for (int i = 0, n = tasks.size(); i < n; i++) {
          lost += tasks.id(i) == 0 ? 0 : 1;
        }
      } else {
        for (int i = s.block.events(tasks, 0, index, at, buffers);
            i < tasks.size();
            i = s.block.events(tasks, i, index, at, buffers)) {
          full = taken(s, full); // the block is full
        }
        lost = s.block.takeUnfit();
        if (s.block.records() > 0 && at - s.block.firstAt() >= MAX_AGE_MS) {
          full = taken(s, full);
        }
      }
    } finally {
      s.unlock();
    }
    return lost + handOver(full);
  }

  /** One attempt as a batch of one. */
  record OneAttempt(
      String runId, String stage, long task, long parent, int attempt, TaskOutcome outcome)
      implements SettledTasks {
    @Override
    public int size() {
      return 1;
    }

    @Override
    public long id(int i) {
      return task;
    }

    @Override
    public long parentId(int i) {
      return parent;
    }

    @Override
    public int attempt(int i) {
      return attempt;
    }

    @Override
    public TaskOutcome outcome(int i) {
      return outcome;
    }
  }

  /** The calling thread's stripe. */
  private Stripe stripe() {
    return stripes[(int) Thread.currentThread().threadId() & mask];
  }

  /** The stage's index in the log's table, or -1 if it is not one of the graph's; lock held. */
  private int index(Stripe s, String stage) {
    if (stage == s.lastStage) {
      return s.lastIndex;
    }
    Integer i = stageIndex.get(stage);
    if (i == null) {
      return -1;
    }
    s.lastStage = stage;
    s.lastIndex = i;
    return i;
  }

  /** Takes the stripe's block into {@code full} (created if null). Lock held. */
  private List<Entry.LineageBlock> taken(Stripe s, @Nullable List<Entry.LineageBlock> full) {
    List<Entry.LineageBlock> list = full != null ? full : new ArrayList<>(2);
    list.add(take(s));
    return list;
  }

  /** A recycled array, or a new one while the writer holds all the others. */
  private byte[] buffer() {
    byte[] b = free.poll();
    return b != null ? b : LineageBlockFormat.newBody();
  }

  /** Gives blocks to the writer; returns the events dropped (those of a block it did not take). */
  private long handOver(@Nullable List<Entry.LineageBlock> blocks) {
    long dropped = 0;
    if (blocks != null) {
      for (Entry.LineageBlock block : blocks) {
        dropped += sink.offer(block) ? 0 : block.events();
      }
    }
    return dropped;
  }

  /**
   * Hands every non-empty buffer to the writer (at the end of the run).
   *
   * @return the number of events dropped doing so
   */
  long drain() {
    long dropped = 0;
    for (Stripe s : stripes) {
      Entry.LineageBlock block;
      s.lock();
      try {
        block = s.block.records() == 0 ? null : take(s);
      } finally {
        s.unlock();
      }
      if (block != null) {
        dropped += handOver(List.of(block));
      }
    }
    return dropped;
  }

  private Entry.LineageBlock take(Stripe s) {
    return s.block.take(runId, stages, free);
  }
}
