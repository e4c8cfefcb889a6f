package io.celestialflow;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Runs a graph from the command line: the {@code main} of every graph class the annotation
 * processor generates delegates here, and a hand-written {@code main} may too.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *   GraphLauncher.of(QuickstartGraph.class, Layout.STREAMING,
 *           layout -> new QuickstartGraph(new Quickstart(), layout).graph())
 *       .input("add", QuickstartGraph.AddArgs.class)
 *       .launch(args);
 * }
 * }</pre>
 *
 * <p>Command line: {@code --input STAGE=TASKS} (repeatable) gives tasks for an input stage, as an
 * inline JSON array ({@code add=[[1,2],{"x":3,"y":4}]}) or the path of a file holding one (read
 * lazily, so it may be larger than memory). A task for a record type may be a JSON object or a JSON
 * array of its components in order (the original's {@code unpack_task_args}). {@code --layout
 * streaming|serial} overrides the graph's layout, {@code --progress} prints every stage's counters
 * to standard error while the graph runs, {@code --help} prints the usage.
 *
 * <p>The outputs of the collected stages (those without downstream stages, and those the graph
 * collects explicitly) are printed to standard output as one JSON object, stage name to array of
 * outputs; a summary (state, counters, failures) goes to standard error. Exit status: 0 when every
 * task succeeded, 1 when some failed or the run was cancelled, 2 for a usage error.
 */
public final class GraphLauncher {
  /** How often {@code --progress} prints the counters. */
  private static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofMillis(500);

  /** How many failures the summary lists one by one. */
  private static final int FAILURES_SHOWN = 10;

  private final String program;
  private final Layout defaultLayout;
  private final Function<Layout, TaskGraph> graphs;
  private final Map<String, Type> inputTypes = new LinkedHashMap<>();
  private final List<GraphListener> listeners = new ArrayList<>();
  private final Gson gson = new GsonBuilder().disableHtmlEscaping().create();
  private Duration progressInterval = DEFAULT_PROGRESS_INTERVAL;

  private GraphLauncher(
      Class<?> program, Layout defaultLayout, Function<Layout, TaskGraph> graphs) {
    this.program = Objects.requireNonNull(program, "program").getName();
    this.defaultLayout = Objects.requireNonNull(defaultLayout, "defaultLayout");
    this.graphs = Objects.requireNonNull(graphs, "graphs");
  }

  /**
   * Starts describing a command-line runner.
   *
   * @param program the class whose {@code main} runs (named in the usage)
   * @param defaultLayout the layout used when the command line does not choose one
   * @param graphs builds the graph with the given layout; called once per run
   * @return a launcher
   */
  public static GraphLauncher of(
      Class<?> program, Layout defaultLayout, Function<Layout, TaskGraph> graphs) {
    return new GraphLauncher(program, defaultLayout, graphs);
  }

  /**
   * Accepts {@code --input} tasks for a stage, read from JSON as {@code taskType}.
   *
   * @param stage the stage name
   * @param taskType the type of its tasks (a class; see {@link TaskType} for generic types)
   * @return this launcher
   */
  public GraphLauncher input(String stage, Class<?> taskType) {
    inputTypes.put(Objects.requireNonNull(stage, "stage"), Objects.requireNonNull(taskType));
    return this;
  }

  /**
   * Accepts {@code --input} tasks for a stage whose task type is generic, such as {@code
   * List<String>}.
   *
   * @param stage the stage name
   * @param taskType the type of its tasks: {@code new TaskType<List<String>>() {}}
   * @return this launcher
   */
  public GraphLauncher input(String stage, TaskType<?> taskType) {
    inputTypes.put(Objects.requireNonNull(stage, "stage"), taskType.type());
    return this;
  }

  /**
   * Adds a listener to every run this launcher starts. This is where monitors attach (the
   * dashboard, once it exists, plugs in here behind its own command-line flag).
   *
   * @param listener the listener
   * @return this launcher
   */
  public GraphLauncher listener(GraphListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  GraphLauncher progressInterval(Duration interval) {
    this.progressInterval = interval;
    return this;
  }

  /**
   * Runs the graph as a program: parses {@code args}, runs, prints, and exits the JVM with status 1
   * or 2 if the run did not succeed in full (returns normally otherwise).
   *
   * @param args the command line
   */
  @SuppressWarnings("SystemExitOutsideMain") // called from the generated main methods
  public void launch(String[] args) {
    int status = run(List.of(args), System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * Runs the graph on a command line and reports to the given streams; for tests and embedding.
   *
   * @param args the command line
   * @param out receives the outputs as JSON
   * @param err receives the usage, progress and summary
   * @return the exit status: 0 every task succeeded, 1 some failed or the run was cancelled, 2 bad
   *     usage
   */
  public int run(List<String> args, PrintStream out, PrintStream err) {
    Options options;
    try {
      options = Options.parse(args, inputTypes.keySet());
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.println();
      err.print(usage());
      return 2;
    }
    if (options.help()) {
      err.print(usage());
      return 0;
    }
    List<Closeable> open = new ArrayList<>();
    try {
      TaskGraph graph = graphs.apply(options.layout() == null ? defaultLayout : options.layout());
      try (graph) {
        RunBuilder run = graph.newRun();
        for (Map.Entry<String, List<String>> input : options.inputs().entrySet()) {
          Type type = Objects.requireNonNull(inputTypes.get(input.getKey()));
          for (String tasks : input.getValue()) {
            run.input(input.getKey(), tasks(input.getKey(), tasks, type, open));
          }
        }
        listeners.forEach(run::listener);
        GraphResult result = execute(run, options.progress(), err);
        out.println(gson.toJson(outputs(result)));
        out.flush();
        printSummary(result, err);
        boolean clean =
            result.isCompleted() && result.failures().isEmpty() && result.inputFailures().isEmpty();
        return clean ? 0 : 1;
      }
    } catch (IllegalArgumentException | CelestialFlowException e) {
      err.println("error: " + e.getMessage());
      return 2;
    } finally {
      for (Closeable c : open) {
        try {
          c.close();
        } catch (IOException e) {
          err.println("warning: could not close an input file: " + e.getMessage());
        }
      }
    }
  }

  /** The command-line usage. */
  String usage() {
    StringBuilder s = new StringBuilder();
    s.append("usage: java -cp <class path> ").append(program).append(" [options]\n");
    s.append("Runs the graph and prints the outputs of its collected stages as one JSON object.\n");
    s.append(
        "  --input STAGE=TASKS   tasks for an input stage: an inline JSON array, or the path\n");
    s.append("                        of a file holding one (read lazily); repeatable\n");
    s.append("  --layout streaming|serial\n");
    s.append("                        how stages are scheduled (default: ")
        .append(defaultLayout.name().toLowerCase(Locale.ROOT))
        .append(")\n");
    s.append("  --progress            print every stage's counters to stderr while running\n");
    s.append("  --help                print this message\n");
    s.append("Input stages and their task types:\n");
    if (inputTypes.isEmpty()) {
      s.append("  (none)\n");
    }
    for (Map.Entry<String, Type> e : inputTypes.entrySet()) {
      s.append("  ").append(e.getKey()).append(": ").append(describe(e.getValue())).append('\n');
    }
    s.append("Exit status: 0 every task succeeded, 1 some failed or the run was cancelled,");
    s.append(" 2 bad usage.\n");
    return s.toString();
  }

  private static String describe(Type type) {
    if (type instanceof Class<?> c && c.isRecord()) {
      List<String> parts = new ArrayList<>();
      for (RecordComponent rc : c.getRecordComponents()) {
        parts.add(rc.getGenericType().getTypeName() + " " + rc.getName());
      }
      return c.getSimpleName()
          + "("
          + String.join(", ", parts)
          + "), as a JSON object or an array of its components";
    }
    return type.getTypeName();
  }

  // ---------------------------------------------------------------- running

  private GraphResult execute(RunBuilder builder, boolean progress, PrintStream err) {
    try (GraphRun run = builder.start()) {
      while (progress && !run.isDone()) {
        printStatus(run.status().stages(), err);
        try {
          run.result().get(progressInterval.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          // not done yet: print again
        } catch (ExecutionException e) {
          break; // await() below reports it
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt(); // await() cancels the run and keeps the flag
          break;
        }
      }
      return run.await();
    }
  }

  private static void printStatus(List<StageStats> stages, PrintStream err) {
    StringBuilder s = new StringBuilder();
    for (StageStats st : stages) {
      s.append(
          String.format(
              Locale.ROOT,
              "  %-12s received %7d  succeeded %7d  failed %5d  duplicates %5d  pending %6d%n",
              st.stage(),
              st.received(),
              st.succeeded(),
              st.failed(),
              st.duplicates(),
              st.pending() + st.inFlight()));
    }
    err.print(s);
    err.println();
  }

  private void printSummary(GraphResult result, PrintStream err) {
    err.printf(
        Locale.ROOT,
        "%s: %s in %d ms%n",
        result.graph(),
        result.state(),
        result.elapsed().toMillis());
    printStatus(result.stats(), err);
    List<TaskFailure> failures = result.failures();
    if (!failures.isEmpty()) {
      err.printf(Locale.ROOT, "%d failed tasks:%n", failures.size());
      for (TaskFailure f : failures.subList(0, Math.min(FAILURES_SHOWN, failures.size()))) {
        err.printf(
            Locale.ROOT,
            "  %s: %s: %s (task %s)%n",
            f.stage(),
            f.exceptionType(),
            f.message(),
            f.task());
      }
      if (failures.size() > FAILURES_SHOWN) {
        err.printf(Locale.ROOT, "  ... and %d more%n", failures.size() - FAILURES_SHOWN);
      }
    }
    for (InputFailure f : result.inputFailures()) {
      err.printf(
          Locale.ROOT,
          "input of %s failed after %d tasks: %s: %s%n",
          f.stage(),
          f.tasksRead(),
          f.exceptionType(),
          f.message());
    }
    if (!result.unfinished().isEmpty()) {
      result
          .unfinished()
          .forEach((stage, tasks) ->
              err.printf(Locale.ROOT, "%s: %d unfinished tasks%n", stage, tasks.size()));
    }
  }

  private JsonObject outputs(GraphResult result) {
    JsonObject json = new JsonObject();
    for (Map.Entry<String, List<Object>> e : result.outputs().entrySet()) {
      JsonArray values = new JsonArray();
      for (Object value : e.getValue()) {
        values.add(toJson(value));
      }
      json.add(e.getKey(), values);
    }
    return json;
  }

  private JsonElement toJson(Object value) {
    try {
      return gson.toJsonTree(value);
    } catch (RuntimeException e) {
      // A type Gson cannot take apart (JDK internals, for instance): its string form will do.
      return new JsonPrimitive(String.valueOf(value));
    }
  }

  // ---------------------------------------------------------------- reading tasks

  private Iterable<Object> tasks(String stage, String tasks, Type type, List<Closeable> open) {
    String text = tasks.strip();
    if (text.startsWith("[")) {
      JsonElement parsed;
      try {
        parsed = JsonParser.parseString(text);
      } catch (JsonParseException e) {
        throw new IllegalArgumentException(
            "--input " + stage + ": not a JSON array: " + e.getMessage(), e);
      }
      List<Object> list = new ArrayList<>();
      int i = 0;
      for (JsonElement element : parsed.getAsJsonArray()) {
        list.add(convert(element, type, stage, i++));
      }
      return list;
    }
    Path path = Path.of(text);
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException(
          "--input " + stage + ": '" + text + "' is neither a JSON array nor a readable file");
    }
    JsonFile file = new JsonFile(path, type, stage);
    open.add(file);
    return file;
  }

  private Object convert(JsonElement element, Type type, String stage, int index) {
    JsonElement json = element;
    if (type instanceof Class<?> c && c.isRecord() && element.isJsonArray()) {
      RecordComponent[] components = c.getRecordComponents();
      JsonArray values = element.getAsJsonArray();
      if (values.size() != components.length) {
        throw new IllegalArgumentException(
            "--input "
                + stage
                + ": task "
                + index
                + " has "
                + values.size()
                + " values, but "
                + c.getSimpleName()
                + " has "
                + components.length
                + " components");
      }
      JsonObject object = new JsonObject();
      for (int i = 0; i < components.length; i++) {
        object.add(components[i].getName(), values.get(i));
      }
      json = object;
    }
    Object task;
    try {
      task = gson.fromJson(json, type);
    } catch (JsonParseException | IllegalStateException | NumberFormatException e) {
      throw new IllegalArgumentException(
          "--input "
              + stage
              + ": task "
              + index
              + " ("
              + element
              + ") is not a "
              + type.getTypeName()
              + ": "
              + e.getMessage(),
          e);
    }
    if (task == null) {
      throw new IllegalArgumentException("--input " + stage + ": task " + index + " is null");
    }
    return task;
  }

  /** A file holding a JSON array of tasks, read one task at a time. Its iterator is single-use. */
  private final class JsonFile implements Iterable<Object>, Closeable {
    private final Path path;
    private final Type type;
    private final String stage;
    private @Nullable JsonReader reader;

    JsonFile(Path path, Type type, String stage) {
      this.path = path;
      this.type = type;
      this.stage = stage;
    }

    @Override
    public Iterator<Object> iterator() {
      JsonReader r;
      try {
        r = new JsonReader(Files.newBufferedReader(path, StandardCharsets.UTF_8));
        reader = r;
        r.beginArray();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + path, e);
      }
      return new Iterator<>() {
        private int index;

        @Override
        public boolean hasNext() {
          try {
            return r.peek() != JsonToken.END_ARRAY;
          } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
          }
        }

        @Override
        public Object next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          return convert(JsonParser.parseReader(r), type, stage, index++);
        }
      };
    }

    @Override
    public void close() throws IOException {
      if (reader != null) {
        reader.close();
      }
    }
  }

  // ---------------------------------------------------------------- options

  /**
   * The parsed command line. A {@code --dashboard} flag joins here once the dashboard exists; its
   * monitor attaches to the run through {@link GraphLauncher#listener}.
   */
  private record Options(
      Map<String, List<String>> inputs, @Nullable Layout layout, boolean progress, boolean help) {

    static Options parse(List<String> args, java.util.Set<String> inputStages) {
      Map<String, List<String>> inputs = new LinkedHashMap<>();
      Layout layout = null;
      boolean progress = false;
      for (int i = 0; i < args.size(); i++) {
        String arg = args.get(i);
        switch (arg) {
          case "--help", "-h" -> {
            return new Options(Map.of(), null, false, true);
          }
          case "--progress" -> progress = true;
          case "--layout" -> layout = layout(value(args, ++i, arg));
          case "--input" -> {
            String spec = value(args, ++i, arg);
            int eq = spec.indexOf('=');
            if (eq <= 0) {
              throw new IllegalArgumentException(
                  "--input needs STAGE=TASKS, for example --input add='[[1,2],[3,4]]'");
            }
            String stage = spec.substring(0, eq).strip();
            if (!inputStages.contains(stage)) {
              throw new IllegalArgumentException(
                  "'" + stage + "' is not an input stage (input stages: " + inputStages + ")");
            }
            inputs.computeIfAbsent(stage, k -> new ArrayList<>()).add(spec.substring(eq + 1));
          }
          default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
        }
      }
      if (inputs.isEmpty()) {
        throw new IllegalArgumentException(
            "no tasks: give some with --input STAGE=TASKS (input stages: " + inputStages + ")");
      }
      return new Options(inputs, layout, progress, false);
    }

    private static String value(List<String> args, int i, String option) {
      if (i >= args.size()) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      return args.get(i);
    }

    private static Layout layout(String name) {
      return switch (name.toLowerCase(Locale.ROOT)) {
        case "streaming", "process" -> Layout.STREAMING;
        case "serial" -> Layout.SERIAL;
        default ->
            throw new IllegalArgumentException(
                "--layout is streaming or serial, not '" + name + "'");
      };
    }
  }

  // ---------------------------------------------------------------- generic task types

  /**
   * A generic task type for {@link #input(String, TaskType)}, captured by subclassing: {@code new
   * TaskType<List<String>>() {}}.
   *
   * @param <T> the task type
   */
  public abstract static class TaskType<T> {
    private final Type type;

    /** Captures the type argument of the anonymous subclass. */
    protected TaskType() {
      Type superclass = getClass().getGenericSuperclass();
      if (!(superclass instanceof ParameterizedType p)) {
        throw new IllegalStateException(
            "create a TaskType as an anonymous subclass: new TaskType<List<String>>() {}");
      }
      this.type = p.getActualTypeArguments()[0];
    }

    /**
     * The captured type.
     *
     * @return the type
     */
    public Type type() {
      return type;
    }
  }
}
