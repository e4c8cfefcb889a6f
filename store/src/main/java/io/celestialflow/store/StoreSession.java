package io.celestialflow.store;

import static io.celestialflow.store.StoreLauncherExtension.LINEAGE;
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
              : retry ? RETRY + " needs " + STORE + " DIR" : LINEAGE + " needs " + STORE + " DIR"));
    }
    RecordOptions options = RecordOptions.defaults().withLineage(context.has(LINEAGE));
    PrintStream err = context.err();
    RunStore store;
    try {
      store =
          RunStore.open(
              Path.of(dir.get()),
              StoreOptions.defaults().withWarnings(message -> err.println("warning: " + message)));
    } catch (StoreException e) {
      if (resume || retry) {
        throw e;
      }
      err.println("warning: " + e.getMessage() + "; the run goes on without its store");
      return new StoreSession(context, null, dir.get(), null, options);
    }
    try {
      Resumption resumption = resume || retry ? continuation(context, store, resume) : null;
      return new StoreSession(context, store, dir.get(), resumption, options);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  private static Resumption continuation(LaunchContext context, RunStore store, boolean resume) {
    TaskGraph graph = context.graph();
    String runId =
        context
            .value(RUN)
            .or(() -> store.latestRun(graph.name()))
            .orElseThrow(() ->
                new IllegalArgumentException(
                    "the run store "
                        + store.file()
                        + " has no run of graph '"
                        + graph.name()
                        + "'"));
    Resumption r;
    if (resume) {
      r = store.resume(runId, graph);
    } else {
      FailureQuery filter = FailureQuery.all();
      Optional<String> stage = context.value(RETRY_STAGE);
      if (stage.isPresent()) {
        graph.stage(stage.get()); // fails for an unknown stage
        filter = filter.stage(stage.get());
      }
      Optional<String> type = context.value(RETRY_ERROR);
      if (type.isPresent()) {
        filter = filter.type(type.get());
      }
      r = store.retryFailed(runId, graph, filter);
    }
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
          "run store: to finish it, run again with the same --input and "
              + RESUME
              + "="
              + directory
              + " "
              + RUN
              + " "
              + result.runId());
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
