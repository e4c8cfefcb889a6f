package io.celestialflow;

/**
 * How a stage runs its tasks: the one setting that chooses the threads (or processes) behind a
 * stage, given to {@link TaskStage.Builder#execution(Execution)}.
 *
 * <pre>{@code
 * TaskStage.map("parse", Parser::parse).execution(Execution.threads(8)).build();
 * TaskStage.map("fetch", http::get).execution(Execution.virtualThreads(500)).build();
 * TaskStage.async("call", api::callAsync).execution(Execution.async(128)).build();
 * TaskStage.process("render", Render.class).execution(Execution.processes(4)).build();
 * }</pre>
 *
 * <p>Which strategies fit a stage follows from how it was made: a synchronous function takes {@link
 * #serial()} (the default), {@link #threads(int)} or {@link #virtualThreads(int)}; a function
 * returning a {@link java.util.concurrent.CompletionStage} ({@link TaskStage#async}) takes {@link
 * #async(int)} (default {@value TaskStage#DEFAULT_ASYNC_WORKERS}); a class run in worker JVMs
 * ({@link TaskStage#process}) takes {@link #processes(int)} (default 1). A strategy that does not
 * fit is rejected when it is set.
 */
public sealed interface Execution
    permits Execution.Serial,
        Execution.Threads,
        Execution.VirtualThreads,
        Execution.Async,
        Execution.Processes {

  /**
   * One task at a time on the stage's own thread.
   *
   * @return the strategy
   */
  static Execution serial() {
    return Serial.INSTANCE;
  }

  /**
   * A pool of {@code threads} platform threads taking tasks from the stage's inbox.
   *
   * @param threads the number of threads, at least 1
   * @return the strategy
   */
  static Execution threads(int threads) {
    return new Threads(threads);
  }

  /**
   * One virtual thread per task, at most {@code maxInFlight} at once: for tasks that block (I/O,
   * sleeps), where thousands may wait at the same time.
   *
   * @param maxInFlight the most tasks running at once, at least 1
   * @return the strategy
   */
  static Execution virtualThreads(int maxInFlight) {
    return new VirtualThreads(maxInFlight);
  }

  /**
   * For functions returning a {@link java.util.concurrent.CompletionStage}: at most {@code
   * maxOutstanding} results outstanding at once.
   *
   * @param maxOutstanding the most uncompleted results at once, at least 1
   * @return the strategy
   */
  static Execution async(int maxOutstanding) {
    return new Async(maxOutstanding);
  }

  /**
   * {@code workers} worker JVMs, for stages defined by a class ({@link TaskStage#process}).
   *
   * @param workers the number of worker JVMs, at least 1
   * @return the strategy
   */
  static Execution processes(int workers) {
    return new Processes(workers);
  }

  /**
   * The mode this strategy reports in counters and topologies.
   *
   * @return the mode
   */
  ExecutionMode mode();

  /**
   * The concurrency limit: threads, tasks in flight, outstanding results or worker JVMs (1 for
   * {@link #serial()}).
   *
   * @return the limit, at least 1
   */
  int workers();

  /**
   * A short description such as {@code SERIAL}, {@code THREAD x4}, {@code VIRTUAL THREADS x200},
   * {@code ASYNC x64} or {@code PROCESS x2}.
   *
   * @return the description
   */
  default String describe() {
    return this instanceof Serial ? "SERIAL" : label() + " x" + workers();
  }

  private String label() {
    return this instanceof VirtualThreads ? "VIRTUAL THREADS" : mode().name();
  }

  private static int atLeastOne(int n, String what) {
    if (n < 1) {
      throw new GraphDefinitionException(what + " must be at least 1, was " + n);
    }
    return n;
  }

  /** {@link Execution#serial()}. */
  final class Serial implements Execution {
    private static final Serial INSTANCE = new Serial();

    private Serial() {}

    @Override
    public ExecutionMode mode() {
      return ExecutionMode.SERIAL;
    }

    @Override
    public int workers() {
      return 1;
    }

    @Override
    public String toString() {
      return describe();
    }
  }

  /**
   * {@link Execution#threads(int)}.
   *
   * @param threads the number of platform threads
   */
  record Threads(int threads) implements Execution {
    /**
     * Checks the count.
     *
     * @param threads the number of platform threads, at least 1
     */
    public Threads {
      atLeastOne(threads, "threads");
    }

    @Override
    public ExecutionMode mode() {
      return ExecutionMode.THREAD;
    }

    @Override
    public int workers() {
      return threads;
    }
  }

  /**
   * {@link Execution#virtualThreads(int)}.
   *
   * @param maxInFlight the most tasks running at once
   */
  record VirtualThreads(int maxInFlight) implements Execution {
    /**
     * Checks the limit.
     *
     * @param maxInFlight the most tasks running at once, at least 1
     */
    public VirtualThreads {
      atLeastOne(maxInFlight, "virtual threads in flight");
    }

    @Override
    public ExecutionMode mode() {
      return ExecutionMode.THREAD;
    }

    @Override
    public int workers() {
      return maxInFlight;
    }
  }

  /**
   * {@link Execution#async(int)}.
   *
   * @param maxOutstanding the most uncompleted results at once
   */
  record Async(int maxOutstanding) implements Execution {
    /**
     * Checks the limit.
     *
     * @param maxOutstanding the most uncompleted results at once, at least 1
     */
    public Async {
      atLeastOne(maxOutstanding, "outstanding async results");
    }

    @Override
    public ExecutionMode mode() {
      return ExecutionMode.ASYNC;
    }

    @Override
    public int workers() {
      return maxOutstanding;
    }
  }

  /**
   * {@link Execution#processes(int)}.
   *
   * @param workers the number of worker JVMs
   */
  record Processes(int workers) implements Execution {
    /**
     * Checks the count.
     *
     * @param workers the number of worker JVMs, at least 1
     */
    public Processes {
      atLeastOne(workers, "worker processes");
    }

    @Override
    public ExecutionMode mode() {
      return ExecutionMode.PROCESS;
    }
  }
}
