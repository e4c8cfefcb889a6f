package io.celestialflow.store;

import io.celestialflow.RunBuilder;
import io.celestialflow.TaskGraph;
import java.io.Writer;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A run store: the durable record of runs in one store directory, and the queries over it.
 *
 * <pre>{@code
 * try (RunStore store = RunStore.open(Path.of("runs"))) {
 *   GraphResult result = store.newRun(graph).input(fetch, urls).run();   // recorded
 *
 *   FailureSummary summary = store.failureSummary(result.runId());     // by stage, by type
 *   FailurePage page = store.failures(result.runId(),
 *       FailureQuery.all().type(IOException.class).text("timeout"));
 *   String trace = store.stackTrace(page.failures().get(0).id()).orElseThrow();
 *
 *   if (!result.isCompleted()) {
 *     store.resume(result.runId(), graph).input(fetch, urls).run();     // finish the work
 *   }
 * }
 * }</pre>
 *
 * <h2>Writing</h2>
 *
 * A recorded run hands its records (failures, unfinished tasks, stats snapshots, lineage) to the
 * store's one writer thread through a bounded queue ({@link StoreOptions}); the writer commits them
 * in batches. When a recorded run ends, its last records are committed before its result is
 * available, so a caller holding the result can query everything about the run. If the database
 * cannot be written (full or read-only disk), the store logs one warning and drops further records
 * (counting them); the run itself is never disturbed. See {@link #problem()}.
 *
 * <h2>Reading</h2>
 *
 * Queries may run on any thread at any time, also while runs are being written (SQLite in WAL mode:
 * readers see the last commit and never block the writer). One store directory may be used by
 * several processes at once: their writes are serialised by SQLite's locks.
 */
public final class RunStore implements AutoCloseable {
  /** The most lineage events a {@link #trace} returns for the descendants of a task. */
  public static final int TRACE_LIMIT = 10_000;

  private final StoreFile file;
  private final StoreOptions options;
  private final StoreWriter writer;
  private final Readers readers;

  private RunStore(StoreFile file, StoreOptions options) {
    this.file = file;
    this.options = options;
    try {
      this.writer =
          new StoreWriter(
              new BatchWriter(file.writer(), new TaskEncoder(options.codecs())),
              new LineageFiles(file.directory(), options.durable()),
              options,
              file.file().toString());
    } catch (SQLException e) {
      throw file.failure("cannot prepare", e);
    }
    this.readers = new Readers(file);
  }

  /**
   * Opens the store in a directory with the default options, creating both if needed.
   *
   * @param directory the store directory
   * @return the store
   * @throws StoreException if the directory or file cannot be created or opened, or the file is not
   *     a run store (corrupt, another database, a newer version); the message names the file
   */
  public static RunStore open(Path directory) {
    return open(directory, StoreOptions.defaults());
  }

  /**
   * Opens the store in a directory, creating both if needed.
   *
   * @param directory the store directory
   * @param options how to write
   * @return the store
   * @throws StoreException if the store cannot be opened; the message names the file
   */
  public static RunStore open(Path directory, StoreOptions options) {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(options, "options");
    return new RunStore(StoreFile.open(directory, options.durable()), options);
  }

  /**
   * The database file.
   *
   * @return its path
   */
  public Path file() {
    return file.file();
  }

  // ---------------------------------------------------------------- recording

  /**
   * A new run of the graph, recorded in this store with the default {@link RecordOptions}.
   *
   * @param graph the graph
   * @return its run builder
   */
  public RunBuilder newRun(TaskGraph graph) {
    return newRun(graph, RecordOptions.defaults());
  }

  /**
   * A new run of the graph, recorded in this store.
   *
   * @param graph the graph
   * @param recordOptions what to record besides the essentials
   * @return its run builder
   */
  public RunBuilder newRun(TaskGraph graph, RecordOptions recordOptions) {
    return record(graph, graph.newRun(), recordOptions);
  }

  /**
   * Records a run that is being configured: adds the store's listener (and its observer, for
   * lineage, the journal and results) to it.
   *
   * @param graph the graph the run belongs to
   * @param run a builder from {@code graph.newRun()}
   * @param recordOptions what to record besides the essentials
   * @return {@code run}
   */
  public RunBuilder record(TaskGraph graph, RunBuilder run, RecordOptions recordOptions) {
    return attach(graph, run, recordOptions, Origin.FRESH);
  }

  RunBuilder attach(TaskGraph graph, RunBuilder run, RecordOptions recordOptions, Origin origin) {
    RunRecorder recorder = new RunRecorder(writer, graph, recordOptions, origin);
    run.listener(recorder);
    if (recordOptions.lineage() || recordOptions.journal()) {
      run.trackLineage();
    }
    if (recordOptions.lineage() || recordOptions.journal() || !recordOptions.results().isEmpty()) {
      run.observer(recordOptions.journal() ? recorder : recorder.withoutEntries());
    }
    return run;
  }

  /**
   * What went wrong writing the store, if anything did: from then on its records are dropped and
   * counted, and runs go on without it.
   *
   * @return the problem, empty while the store works
   */
  public Optional<String> problem() {
    return Optional.ofNullable(writer.problem());
  }

  /**
   * Records committed by this store object so far.
   *
   * @return the count
   */
  public long committed() {
    return writer.committed();
  }

  /**
   * Records this store object dropped so far (queue full under {@link StoreOptions.Overflow#DROP},
   * or after a write failed).
   *
   * @return the count
   */
  public long dropped() {
    return writer.dropped();
  }

  /** The store directory (absolute). */
  Path directory() {
    return file.directory();
  }

  /** The writer, for the benchmarks in the test sources. */
  StoreWriter writerForTests() {
    return writer;
  }

  // ---------------------------------------------------------------- queries

  /**
   * The runs in the store, newest first.
   *
   * @param limit at most this many
   * @return the runs
   */
  public List<RunInfo> runs(int limit) {
    return readers.with("list the runs", c -> RunQueries.runs(c, limit));
  }

  /**
   * One run.
   *
   * @param runId the run id
   * @return the run, empty if the store has none with that id
   */
  public Optional<RunInfo> run(String runId) {
    return readers.with("read run " + runId, c -> RunQueries.run(c, runId));
  }

  /**
   * The id of the most recent run of a graph.
   *
   * @param graphName the graph's name
   * @return the run id, empty if the store has no run of it
   */
  public Optional<String> latestRun(String graphName) {
    return readers.with("find runs of " + graphName, c -> RunQueries.latest(c, graphName));
  }

  /**
   * A run's failures counted by stage and by exception type.
   *
   * @param runId the run id
   * @return the counts
   * @throws StoreException if the store has no such run
   */
  public FailureSummary failureSummary(String runId) {
    return readers.with(
        "count the failures of run " + runId, c -> FailureQueries.summary(c, key(c, runId)));
  }

  /**
   * A page of a run's failures that match a query, newest first.
   *
   * @param runId the run id
   * @param query the filter and page
   * @return the page
   * @throws StoreException if the store has no such run
   */
  public FailurePage failures(String runId, FailureQuery query) {
    return readers.with(
        "search the failures of run " + runId,
        c -> FailureQueries.page(c, runId, key(c, runId), query));
  }

  /**
   * The full stack trace of one failure.
   *
   * @param failureId the failure's {@link FailureRecord#id()}
   * @return the trace, empty if there is no such failure
   */
  public Optional<String> stackTrace(long failureId) {
    return readers.with(
        "read the stack trace of failure " + failureId,
        c -> FailureQueries.stackTrace(c, failureId));
  }

  /**
   * Writes a run's failures that match a filter (its paging ignored) as JSON Lines, newest first:
   * one object per failure with its stack trace.
   *
   * @param runId the run id
   * @param filter which failures
   * @param out where to write; not closed
   * @return how many failures were written
   * @throws StoreException if the store has no such run, or writing fails
   */
  public long exportFailures(String runId, FailureQuery filter, Writer out) {
    return readers.with(
        "export the failures of run " + runId,
        c -> JsonlExport.write(c, runId, key(c, runId), filter, out));
  }

  /**
   * The tasks a run left unfinished, in the order they were recorded.
   *
   * @param runId the run id
   * @return the tasks
   * @throws StoreException if the store has no such run
   */
  public List<StoredTask> unfinished(String runId) {
    return readers.with(
        "read the unfinished tasks of run " + runId, c -> RunQueries.unfinished(c, key(c, runId)));
  }

  /**
   * A page of the successful tasks of a stage with their outputs, for a run recorded with {@link
   * RecordOptions#withResults} for that stage, in the order they finished.
   *
   * @param runId the run id
   * @param stage the stage
   * @param offset how many to skip
   * @param limit the most to return
   * @return the results (none if the run did not record that stage's results)
   * @throws StoreException if the store has no such run
   */
  public List<StoredResult> results(String runId, String stage, long offset, int limit) {
    return readers.with(
        "read the results of stage '" + stage + "' of run " + runId,
        c -> ResultRows.read(c, key(c, runId), stage, offset, limit));
  }

  /**
   * A run's stats snapshots since a time, oldest first.
   *
   * @param runId the run id
   * @param since the earliest snapshot wanted ({@link Instant#EPOCH} for all)
   * @return the snapshots, one per stage and moment
   * @throws StoreException if the store has no such run
   */
  public List<StatsSnapshot> stats(String runId, Instant since) {
    return readers.with(
        "read the stats of run " + runId, c -> RunQueries.stats(c, key(c, runId), since));
  }

  /**
   * A task's lineage: its ancestors and descendants, for a run recorded with lineage on.
   *
   * @param runId the run id
   * @param taskId the task id
   * @return the trace ({@link Trace#found()} false if the store has no event of the task)
   * @throws StoreException if the store has no such run, or its lineage files are damaged (the
   *     message names the file)
   */
  public Trace trace(String runId, long taskId) {
    readers.with("trace task " + taskId + " of run " + runId, c -> key(c, runId));
    return LineageTrace.trace(file.directory(), runId, taskId, TRACE_LIMIT);
  }

  // ---------------------------------------------------------------- resume and retry

  /**
   * Prepares a run of {@code graph} that resumes a stored run: its unfinished tasks, then the
   * unread rest of its inputs (give the sources again with {@link Resumption#input}).
   *
   * <p>A run recorded with the {@linkplain RecordOptions#journal() durable journal} that is still
   * marked running — its process died — is first recovered from its journal: its unfinished tasks
   * and input positions are worked out and stored, and it is marked cancelled. Resume such a run
   * only when its process is gone.
   *
   * @param runId the run to resume
   * @param graph the graph, with the same stages, edges and task types as the run's
   * @return the resumption
   * @throws StoreException if the store has no such run, the graph differs from the run's (the
   *     message names each difference), or a stored task cannot be decoded
   */
  public Resumption resume(String runId, TaskGraph graph) {
    RunInfo run = checked(runId, graph);
    if (run.state().equals("RUNNING") && recover(runId)) {
      run = checked(runId, graph);
    }
    List<StoredTask> tasks = unfinished(runId);
    return resumption(run, graph, "resume", tasks, "run " + runId);
  }

  /**
   * Recovers a run recorded with the durable journal whose process died: see {@link Journal}.
   *
   * @return whether it was recovered (false: not running, or no journal)
   */
  private boolean recover(String runId) {
    try (java.sql.Connection c = file.writer()) {
      return Journal.recover(c, runId);
    } catch (java.sql.SQLException e) {
      throw file.failure("cannot recover run " + runId + " from the journal of", e);
    }
  }

  /**
   * Prepares a run of {@code graph} that runs a stored run's failed tasks again, each at the stage
   * where it failed.
   *
   * @param runId the run whose failures to retry
   * @param graph the graph, with the same stages, edges and task types as the run's
   * @param filter which failures (stage, type, text, time; its paging is ignored); {@link
   *     FailureQuery#all()} for every one
   * @return the resumption
   * @throws StoreException if the store has no such run, the graph differs, or a failed task was
   *     recorded as text only
   */
  public Resumption retryFailed(String runId, TaskGraph graph, FailureQuery filter) {
    RunInfo run = checked(runId, graph);
    List<StoredTask> tasks =
        readers.with(
            "read the failures of run " + runId,
            c -> {
              List<StoredTask> out = new ArrayList<>();
              JsonlExport.forEach(c, key(c, runId), filter, r -> out.add(r.task()), runId);
              return out;
            });
    java.util.Collections.reverse(tasks); // oldest first, as they failed
    return resumption(run, graph, "retry", tasks, "the failures of run " + runId);
  }

  private Resumption resumption(
      RunInfo run, TaskGraph graph, String kind, List<StoredTask> tasks, String what) {
    Map<String, List<StoredTask>> stored = Resumption.byStage(tasks);
    Map<String, List<Object>> decoded =
        new TaskDecoder(graph, options.codecs()).decode(stored, what);
    return new Resumption(this, graph, run, kind, stored, decoded);
  }

  private RunInfo checked(String runId, TaskGraph graph) {
    RunInfo run = run(runId).orElseThrow(() -> unknown(runId));
    String types = readers.with("read run " + runId, c -> RunQueries.stageTypes(c, key(c, runId)));
    List<String> differences = GraphShape.differences(run, types, graph);
    if (!differences.isEmpty()) {
      throw new StoreException(
          "run "
              + runId
              + " cannot continue in graph '"
              + graph.name()
              + "', which differs from the run's: "
              + String.join("; ", differences));
    }
    return run;
  }

  private long key(java.sql.Connection c, String runId) throws SQLException {
    long key = RunQueries.key(c, runId);
    if (key < 0) {
      throw unknown(runId);
    }
    return key;
  }

  private StoreException unknown(String runId) {
    return new StoreException("run store " + file.file() + " has no run '" + runId + "'");
  }

  /**
   * Commits what is queued and closes the store. Runs still recorded here lose what they record
   * from now on (counted as dropped). Harmless if repeated.
   */
  @Override
  public void close() {
    writer.close();
    readers.close();
  }
}
