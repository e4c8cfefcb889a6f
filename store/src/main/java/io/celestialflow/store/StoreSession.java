package io.celestialflow.store;

import static io.celestialflow.store.StoreLauncherExtension.JOURNAL;
import static io.celestialflow.store.StoreLauncherExtension.LINEAGE;
import static io.celestialflow.store.StoreLauncherExtension.RESULTS;
import static io.celestialflow.store.StoreLauncherExtension.RESUME;
import static io.celestialflow.store.StoreLauncherExtension.RETRY;
import static io.celestialflow.store.StoreLauncherExtension.RETRY_ERROR;
import static io.celestialflow.store.StoreLauncherExtension.RETRY_STAGE;
import static io.celestialflow.store.StoreLauncherExtension.RUN;
import static io.celestialflow.store.StoreLauncherExtension.STORE;

import io.celestialflow.GraphResult;
import io.celestialflow.GraphRun;
import io.celestialflow.RunBuilder;
import io.celestialflow.TaskGraph;
import io.celestialflow.spi.LaunchContext;
import io.celestialflow.spi.LaunchSession;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One launch with the store's options: records the run, or resumes or retries a stored one. If the
 * store cannot be opened for a plain {@code --store}, it says so once and the run goes on without
 * it; resuming needs the store, so there it is an error.
 */
final class StoreSession implements LaunchSession {
  private final LaunchContext context;
  private final @Nullable RunStore store;
  private final String directory;
  private final @Nullable Resumption resumption;
  private final RecordOptions options;
  private final List<Long> starts = new ArrayList<>();

  private StoreSession(
      LaunchContext context,
      @Nullable RunStore store,
      String directory,
      @Nullable Resumption resumption,
      RecordOptions options) {
    this.context = context;
    this.store = store;
    this.directory = directory;
    this.resumption = resumption;
    this.options = options;
  }

  /** A session for the store's options: record the run, or resume or retry with the old options. */
  static LaunchSession open(LaunchContext context) {
    boolean resume = context.has(RESUME);
    boolean retry = context.has(RETRY);
    if (resume && retry) {
      throw new IllegalArgumentException(RESUME + " and " + RETRY + " cannot be combined");
    }
    if (context.has(RUN) && !resume && !retry) {
      throw new IllegalArgumentException(RUN + " goes with " + RESUME + " or " + RETRY);
    }
    for (String option : List.of(RETRY_STAGE, RETRY_ERROR)) {
      if (context.has(option) && !retry) {
        throw new IllegalArgumentException(option + " goes with " + RETRY);
      }
    }
    Optional<String> dir = context.value(RESUME).or(() -> context.value(STORE));
    if (dir.isEmpty()) {
      throw new IllegalArgumentException(
          (resume
              ? RESUME + " needs a store: " + RESUME + "=DIR or " + STORE + " DIR"
              : retry
                  ? RETRY + " needs " + STORE + " DIR"
                  : LINEAGE + ", " + JOURNAL + " or " + RESULTS + " needs " + STORE + " DIR"));
    }
    if (resume || retry) {
      return continuing(
          context,
          dir.get(),
          context.value(RUN),
          resume,
          filter(context, context.value(RETRY_STAGE), context.value(RETRY_ERROR)));
    }
    RecordOptions options = recordOptions(context);
    PrintStream err = context.err();
    RunStore store;
    try {
      store =
          RunStore.open(
              Path.of(dir.get()),
              StoreOptions.defaults().withWarnings(message -> err.println("warning: " + message)));
    } catch (StoreException e) {
      err.println("warning: " + e.getMessage() + "; the run goes on without its store");
      return new StoreSession(context, null, dir.get(), null, options);
    }
    return new StoreSession(context, store, dir.get(), null, options);
  }

  /**
   * A session that resumes a stored run (its unfinished tasks and the unread rest of its inputs),
   * or runs its failures that match a filter again.
   *
   * @param dir the store directory, which must hold a store
   * @param runId the run, or empty for the latest run of the graph
   * @param resume true to resume, false to retry the failures
   * @param filter with {@code resume} false: which failures
   */
  static LaunchSession continuing(
      LaunchContext context,
      String dir,
      Optional<String> runId,
      boolean resume,
      FailureQuery filter) {
    RecordOptions options = recordOptions(context);
    PrintStream err = context.err();
    RunStore store =
        StoreCommands.openExisting(
            Path.of(dir),
            StoreOptions.defaults().withWarnings(message -> err.println("warning: " + message)));
    try {
      Resumption resumption = continuation(context, store, dir, runId, resume, filter);
      return new StoreSession(context, store, dir, resumption, options);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /** What to record besides the essentials: lineage, the journal, results of some stages. */
  static RecordOptions recordOptions(LaunchContext context) {
    List<String> results = context.values(RESULTS);
    List<String> stages = context.graph().stages().stream().map(s -> s.name()).toList();
    for (String stage : results) {
      if (!stages.contains(stage)) {
        throw new IllegalArgumentException(
            RESULTS
                + " "
                + stage
                + ": graph '"
                + context.graph().name()
                + "' has no such stage (its stages: "
                + String.join(", ", stages)
                + ")");
      }
    }
    return RecordOptions.defaults()
        .withLineage(context.has(LINEAGE))
        .withJournal(context.has(JOURNAL))
        .withResults(results.toArray(String[]::new));
  }

  /** Which failures to retry: those of a stage (which the graph must have) and exception type. */
  static FailureQuery filter(LaunchContext context, Optional<String> stage, Optional<String> type) {
    FailureQuery filter = FailureQuery.all();
    if (stage.isPresent()) {
      context.graph().stage(stage.get()); // fails for an unknown stage
      filter = filter.stage(stage.get());
    }
    if (type.isPresent()) {
      filter = filter.type(type.get());
    }
    return filter;
  }

  private static Resumption continuation(
      LaunchContext context,
      RunStore store,
      String dir,
      Optional<String> given,
      boolean resume,
      FailureQuery filter) {
    TaskGraph graph = context.graph();
    String runId =
        given
            .or(() -> store.latestRun(graph.name()))
            .orElseThrow(() ->
                new IllegalArgumentException(
                    "the run store "
                        + store.file()
                        + " has no run of graph '"
                        + graph.name()
                        + "'"));
    StoreCommands.requireRun(store, dir, runId);
    Resumption r = resume ? store.resume(runId, graph) : store.retryFailed(runId, graph, filter);
    int n = r.tasks().values().stream().mapToInt(List::size).sum();
    context
        .err()
        .println(
            (resume ? "resuming run " : "retrying the failures of run ")
                + runId
                + ": "
                + n
                + (resume ? " unfinished task(s)" : " failed task(s)")
                + (resume ? " and the unread rest of its inputs" : ""));
    return r;
  }

  @Override
  public boolean suppliesTasks() {
    return resumption != null;
  }

  @Override
  public Iterable<?> input(String stage, int source, Iterable<?> tasks) {
    Resumption r = resumption;
    if (r == null) {
      return tasks;
    }
    long skip = r.skipFor(source, stage);
    starts.add(skip);
    return Resumption.skipping(tasks, skip);
  }

  @Override
  public void configure(RunBuilder run) {
    RunStore s = store;
    if (s == null) {
      return;
    }
    Resumption r = resumption;
    if (r != null) {
      r.options(options).complete(run, starts);
    } else {
      s.record(context.graph(), run, options);
    }
  }

  @Override
  public void started(GraphRun run) {
    if (store == null) {
      return;
    }
    context.err().println("run store: recording run " + run.runId() + " in " + directory);
    // On Ctrl-C or SIGTERM the launcher cancels the run; its unfinished tasks are committed to the
    // store before the run's result exists, so nothing more is needed here.
  }

  @Override
  public void finished(GraphResult result) {
    if (store == null) {
      return;
    }
    long unfinished = store.run(result.runId()).map(RunInfo::unfinished).orElse(0L);
    PrintStream err = context.err();
    err.println(
        "run store: run "
            + result.runId()
            + " "
            + result.state().name().toLowerCase(java.util.Locale.ROOT)
            + ", "
            + result.failureCount()
            + " failure(s), "
            + unfinished
            + " unfinished task(s) recorded in "
            + directory);
    if (unfinished > 0) {
      err.println(
          "run store: to finish it, run again with the same --input: resume "
              + result.runId()
              + " "
              + STORE
              + " "
              + directory);
    }
  }

  @Override
  public void close() {
    RunStore s = store;
    if (s != null) {
      s.close();
    }
  }
}
