package io.celestialflow.store;

import io.celestialflow.GraphResult;
import io.celestialflow.RunBuilder;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A new run that continues a stored one: {@linkplain RunStore#resume resume} runs exactly the tasks
 * the run left unfinished plus the unread rest of its inputs; {@linkplain RunStore#retryFailed
 * retry-failed} runs its failed tasks again. The new run is recorded in the same store, with the
 * run it continues as its {@linkplain RunInfo#originRun() origin}, so it can be resumed in turn.
 *
 * <pre>{@code
 * try (RunStore store = RunStore.open(Path.of("runs"))) {
 *   GraphResult result = store.resume(runId, graph)
 *       .input(fetch, urls)   // the same sources as the first run, in the same order
 *       .run();               // reads each from where the first run stopped
 * }
 * }</pre>
 *
 * <p>An input source cannot be stored (it may be a file larger than the disk, or a generator), so a
 * resumed run is given the original sources again and skips what was read before: the sources must
 * yield the same elements in the same order. Sources the first run had read to the end may be left
 * out, as long as they are the last ones.
 */
public final class Resumption {
  private final RunStore store;
  private final TaskGraph graph;
  private final RunInfo origin;
  private final String kind;
  private final Map<String, List<StoredTask>> stored;
  private final Map<String, List<Object>> tasks;
  private final List<Source> sources = new ArrayList<>();
  private RecordOptions options = RecordOptions.defaults();

  private record Source(String stage, Iterable<?> tasks) {}

  Resumption(
      RunStore store,
      TaskGraph graph,
      RunInfo origin,
      String kind,
      Map<String, List<StoredTask>> stored,
      Map<String, List<Object>> tasks) {
    this.store = store;
    this.graph = graph;
    this.origin = origin;
    this.kind = kind;
    this.stored = stored;
    this.tasks = tasks;
  }

  /**
   * The run this one continues.
   *
   * @return the stored run
   */
  public RunInfo origin() {
    return origin;
  }

  /**
   * The stored tasks this run will run, by stage: the unfinished tasks of a resumed run, the failed
   * tasks of a retried one.
   *
   * @return the tasks by stage name
   */
  public Map<String, List<Object>> tasks() {
    return Collections.unmodifiableMap(tasks);
  }

  /**
   * Gives one of the original run's input sources again; call in the same order as the original run
   * added them. The elements it had read are skipped.
   *
   * @param stage the stage the source fed
   * @param source the same source
   * @param <I> the task type
   * @return this resumption
   */
  public <I> Resumption input(TaskStage<I, ?> stage, Iterable<? extends I> source) {
    return input(stage.name(), source);
  }

  /**
   * Gives one of the original run's input sources again, by stage name; see {@link
   * #input(TaskStage, Iterable)}.
   *
   * @param stage the stage name
   * @param source the same source
   * @return this resumption
   */
  public Resumption input(String stage, Iterable<?> source) {
    graph.stage(stage); // fails for a stage the graph does not have
    sources.add(new Source(stage, Objects.requireNonNull(source, "source")));
    return this;
  }

  /**
   * Sets what the new run records besides the essentials (lineage, stats interval).
   *
   * @param recordOptions the options
   * @return this resumption
   */
  public Resumption options(RecordOptions recordOptions) {
    this.options = Objects.requireNonNull(recordOptions, "recordOptions");
    return this;
  }

  /**
   * The new run, configured and recorded, ready for more settings ({@code collect}, listeners) and
   * {@code run()} or {@code start()}.
   *
   * @return the run builder
   * @throws StoreException if the sources given do not match the original run's inputs
   */
  public RunBuilder newRun() {
    RunBuilder run = graph.newRun();
    List<Long> starts = new ArrayList<>();
    for (int i = 0; i < sources.size(); i++) {
      long skip = skipFor(i, sources.get(i).stage());
      starts.add(skip);
      run.input(sources.get(i).stage(), skipping(sources.get(i).tasks(), skip));
    }
    return complete(run, starts);
  }

  /**
   * How many elements of the original run's input {@code source} were read, to be skipped.
   *
   * @throws StoreException if the original run had no such input or it fed another stage
   */
  long skipFor(int source, String stage) {
    List<RunInfo.InputPosition> positions = positions();
    if (source >= positions.size()) {
      throw new StoreException(
          "run "
              + origin.id()
              + " had "
              + positions.size()
              + " input source(s); input "
              + source
              + " (stage '"
              + stage
              + "') is one too many");
    }
    RunInfo.InputPosition p = positions.get(source);
    if (!p.stage().equals(stage)) {
      throw new StoreException(
          "input "
              + source
              + " of run "
              + origin.id()
              + " fed stage '"
              + p.stage()
              + "', not '"
              + stage
              + "': give the sources in the order the run had them");
    }
    return p.position();
  }

  private List<RunInfo.InputPosition> positions() {
    return kind.equals("resume") ? origin.inputs() : List.of();
  }

  /**
   * Adds the stored tasks to a run whose first inputs are the original sources (each with {@code
   * starts} elements skipped) and records it.
   *
   * @throws StoreException if an original source the run had not read to its end is missing
   */
  RunBuilder complete(RunBuilder run, List<Long> starts) {
    List<RunInfo.InputPosition> positions = positions();
    for (int i = starts.size(); i < positions.size(); i++) {
      RunInfo.InputPosition p = positions.get(i);
      if (!p.exhausted() && !p.failed()) {
        throw new StoreException(
            "run "
                + origin.id()
                + " had not finished reading input "
                + i
                + " (stage '"
                + p.stage()
                + "', "
                + p.position()
                + " read): give that source again so that the rest is read");
      }
    }
    List<List<StoredTask>> loaded = new ArrayList<>();
    for (Map.Entry<String, List<Object>> e : tasks.entrySet()) {
      run.input(e.getKey(), e.getValue());
      loaded.add(stored.getOrDefault(e.getKey(), List.of()));
    }
    Origin from = new Origin(origin.id(), kind, starts.size(), starts, loaded);
    return store.attach(graph, run, options, from);
  }

  /**
   * Runs the new run to its end: {@code newRun().run()}.
   *
   * @return the result
   */
  public GraphResult run() {
    return newRun().run();
  }

  /** The source without its first {@code skip} elements, which are read and dropped lazily. */
  static Iterable<?> skipping(Iterable<?> source, long skip) {
    if (skip == 0) {
      return source;
    }
    return () -> {
      @SuppressWarnings("unchecked")
      Iterator<Object> it = (Iterator<Object>) source.iterator();
      for (long i = 0; i < skip && it.hasNext(); i++) {
        it.next();
      }
      return it;
    };
  }

  /** Groups stored tasks by stage, in order of first appearance. */
  static Map<String, List<StoredTask>> byStage(List<StoredTask> tasks) {
    Map<String, List<StoredTask>> out = new LinkedHashMap<>();
    for (StoredTask t : tasks) {
      out.computeIfAbsent(t.stage(), k -> new ArrayList<>()).add(t);
    }
    return out;
  }
}
