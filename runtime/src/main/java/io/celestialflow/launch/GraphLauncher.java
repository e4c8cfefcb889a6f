package io.celestialflow.launch;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.celestialflow.CelestialFlowException;
import io.celestialflow.GraphListener;
import io.celestialflow.GraphResult;
import io.celestialflow.GraphRun;
import io.celestialflow.Layout;
import io.celestialflow.RunBuilder;
import io.celestialflow.TaskGraph;
import io.celestialflow.progress.ConsoleProgress;
import io.celestialflow.spi.LaunchCommand;
import io.celestialflow.spi.LaunchContext;
import io.celestialflow.spi.LaunchOption;
import io.celestialflow.spi.LaunchSession;
import io.celestialflow.spi.LauncherExtension;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a graph from the command line: the {@code main} of every graph class the annotation
 * processor generates delegates here, and a hand-written {@code main} may too.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *   GraphLauncher.main(args, () ->
 *       GraphLauncher.of(Quickstart.class, new QuickstartGraph(new Quickstart()).graph())
 *           .input("add", QuickstartGraph.AddArgs.class));
 * }
 * }</pre>
 *
 * <p>Command line: {@code --input STAGE=TASKS} (repeatable) gives tasks for an input stage, as an
 * inline JSON array ({@code add=[[1,2],{"x":3,"y":4}]}) or the path of a file holding one (read
 * lazily, so it may be larger than memory). A task for a record type may be a JSON object or a JSON
 * array of its components in order (the original's {@code unpack_task_args}). {@code --layout
 * streaming|serial} overrides the graph's layout for this run, {@code --progress} shows every
 * stage's progress on standard error while the graph runs ({@link ConsoleProgress}: bars on a
 * terminal, a summary line every few seconds otherwise), {@code --log-level LEVEL} sets the logging
 * level (see {@link #main(String[], Supplier)}), {@code --help} prints the usage to standard
 * output. Opt-in modules on the class path add their own options ({@link LauncherExtension}):
 * {@code --dashboard}, {@code --store}, {@code --worker}; and commands, given as the first argument
 * that is not an option: the run store's {@code resume RUN_ID}, {@code failures RUN_ID}, {@code
 * trace RUN_ID TASK_ID}. An option or command of a module that is not on the class path is refused
 * with the name of the module to add.
 *
 * <p>The outputs of the collected stages (those without downstream stages, and those the graph
 * collects explicitly) are printed to standard output as one JSON object, stage name to array of
 * outputs; a summary (state, counters, failures) goes to standard error. Exit status: 0 when every
 * task succeeded, 1 when some failed or the run was cancelled, 2 for a usage error.
 *
 * <p>A JVM shutdown while the graph runs (SIGTERM, Ctrl-C) cancels the run and waits at most 10
 * seconds for the summary, which then lists the tasks left unfinished. If an error such as {@link
 * OutOfMemoryError} ends the run, the runner says so and exits with status 1.
 */
public final class GraphLauncher {
  private static final List<LaunchOption> CORE_OPTIONS =
      List.of(
          LaunchOption.withValue(
              "--input",
              "STAGE=TASKS",
              "tasks for an input stage: an inline JSON array, or the path of a file holding one"
                  + " (read lazily); repeatable"),
          LaunchOption.withValue(
              "--layout", "streaming|serial", "how stages are scheduled (default: the graph's)"),
          LaunchOption.flag(
              "--progress",
              "show each stage's progress on stderr: bars on a terminal, else a line every 5 s"),
          LaunchOption.withValue(
              "--log-level",
              "LEVEL",
              "off|error|warn|info|debug|trace; debug logs every task (default: the"
                  + " logging configuration's)"),
          LaunchOption.flag(
              "--bench",
              "run the inputs under every execution and layout and print a table of times"
                  + " (also written as the command: bench)"),
          LaunchOption.flag("--help", "print this message"));

  /** The levels {@code --log-level} takes. */
  private static final List<String> LOG_LEVELS =
      List.of("off", "error", "warn", "info", "debug", "trace");

  /**
   * The system property {@code --log-level} sets before any logger is created, for the logging
   * backend's configuration to read: {@value}.
   */
  public static final String LOG_LEVEL_PROPERTY = "celestialflow.log.level";

  /** tinylog's global level, which {@code --log-level} sets too unless it is set already. */
  private static final String TINYLOG_LEVEL_PROPERTY = "tinylog.level";

  private final String program;
  private final TaskGraph graph;
  private final Map<String, Type> inputTypes = new LinkedHashMap<>();
  private final List<GraphListener> listeners = new ArrayList<>();
  private final List<LauncherExtension> extensions = new ArrayList<>();
  private final Gson gson = new GsonBuilder().disableHtmlEscaping().create();
  private ConsoleProgress.Builder progress = ConsoleProgress.builder();

  private GraphLauncher(Class<?> program, TaskGraph graph) {
    this.program = Objects.requireNonNull(program, "program").getName();
    this.graph = Objects.requireNonNull(graph, "graph");
    ServiceLoader.load(LauncherExtension.class, GraphLauncher.class.getClassLoader())
        .forEach(extensions::add);
    extensions.sort(Comparator.comparingInt(LauncherExtension::order));
  }

  /**
   * Starts describing a command-line runner. Launcher extensions on the class path are found now.
   *
   * @param program the class whose {@code main} runs (named in the usage)
   * @param graph the graph it runs
   * @return a launcher
   */
  public static GraphLauncher of(Class<?> program, TaskGraph graph) {
    return new GraphLauncher(program, graph);
  }

  /**
   * Accepts {@code --input} tasks for a stage, read from JSON as {@code taskType}.
   *
   * @param stage the stage name
   * @param taskType the type of its tasks (a class; see {@link TaskType} for generic types)
   * @return this launcher
   */
  public GraphLauncher input(String stage, Class<?> taskType) {
    graph.stage(stage); // fails now for a stage the graph does not have
    inputTypes.put(stage, Objects.requireNonNull(taskType, "taskType"));
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
    graph.stage(stage);
    inputTypes.put(stage, taskType.type());
    return this;
  }

  /**
   * Adds a listener to every run this launcher starts.
   *
   * @param listener the listener
   * @return this launcher
   */
  public GraphLauncher listener(GraphListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /**
   * Adds a launcher extension besides those found on the class path (tests, embedding).
   *
   * @param extension the extension
   * @return this launcher
   */
  public GraphLauncher extension(LauncherExtension extension) {
    extensions.add(Objects.requireNonNull(extension, "extension"));
    extensions.sort(Comparator.comparingInt(LauncherExtension::order));
    return this;
  }

  /** Replaces what {@code --progress} shows (tests: a plain display with a short interval). */
  GraphLauncher progress(ConsoleProgress.Builder progress) {
    this.progress = progress;
    return this;
  }

  /**
   * The {@code main} of a graph program: applies {@code --log-level} first, then creates the
   * launcher — and so the graph — and {@linkplain #launch(String[]) launches} it. The generated
   * {@code main} methods are {@code GraphLauncher.main(args, QuickstartGraph::launcher)}.
   *
   * <h2>{@code --log-level}</h2>
   *
   * Logging backends read their configuration once, when the first logger is created, so the level
   * is set before anything else happens: as the system property {@value #LOG_LEVEL_PROPERTY}, for
   * any backend's configuration to refer to (Logback: {@code <root
   * level="${celestialflow.log.level:-INFO}">}), and as {@code tinylog.level}, which tinylog reads
   * as its global level, overriding {@code level} in {@code tinylog.properties} (unless that
   * property was set on the command line). A level tinylog's writers filter out again (a {@code
   * writer.level}) stays filtered: the tinylog configurations shipped with the samples and the
   * starter project set only {@code level}.
   *
   * @param args the command line
   * @param launcher creates the launcher, such as {@code QuickstartGraph::launcher}
   */
  public static void main(String[] args, Supplier<GraphLauncher> launcher) {
    applyLogLevel(List.of(args));
    launcher.get().launch(args);
  }

  /**
   * Sets the logging level from {@code --log-level LEVEL} (or {@code --log-level=LEVEL}), if given
   * with a valid level; see {@link #main(String[], Supplier)}. A wrong level is reported later, by
   * the command-line parser.
   */
  static void applyLogLevel(List<String> args) {
    String level = null;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--log-level") && i + 1 < args.size()) {
        level = args.get(++i);
      } else if (arg.startsWith("--log-level=")) {
        level = arg.substring("--log-level=".length());
      }
    }
    if (level != null && LOG_LEVELS.contains(level.toLowerCase(Locale.ROOT))) {
      String value = level.toLowerCase(Locale.ROOT);
      String tinylog = System.getProperty(TINYLOG_LEVEL_PROPERTY);
      // Leave a -Dtinylog.level given on the command line alone, but not one set here before.
      if (tinylog == null || tinylog.equals(System.getProperty(LOG_LEVEL_PROPERTY))) {
        System.setProperty(TINYLOG_LEVEL_PROPERTY, value);
      }
      System.setProperty(LOG_LEVEL_PROPERTY, value);
    }
  }

  /**
   * Runs the graph as a program: parses {@code args}, runs, prints, closes the graph, and exits the
   * JVM with status 1 or 2 if the run did not succeed in full (returns normally otherwise). Applies
   * {@code --log-level} too, which takes effect only if no logger was created yet: prefer {@link
   * #main(String[], Supplier)}.
   *
   * @param args the command line
   */
  @SuppressWarnings("SystemExitOutsideMain") // called from the generated main methods
  public void launch(String[] args) {
    applyLogLevel(List.of(args));
    int status;
    try (graph) {
      status = run(List.of(args), System.out, System.err);
    }
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * Runs the graph on a command line and reports to the given streams; for tests and embedding. The
   * graph stays open.
   *
   * @param args the command line
   * @param out receives the outputs as JSON, and the usage for {@code --help}
   * @param err receives errors, progress and the summary
   * @return the exit status: 0 every task succeeded, 1 some failed or the run was cancelled, 2 bad
   *     usage
   */
  public int run(List<String> args, PrintStream out, PrintStream err) {
    args = benchCommandAsOption(args);
    CommandLine line;
    Map<String, Command> commands = commands();
    Command command;
    try {
      line = CommandLine.parse(args, knownOptions(), commands.keySet());
      if (line.has("--help")) {
        out.print(usage());
        out.flush();
        return 0;
      }
      command = line.command().map(commands::get).orElse(null);
      checkCommandOptions(line, command, commands.values());
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.println();
      err.print(usage());
      return 2;
    }
    List<LaunchSession> sessions = new ArrayList<>();
    List<Closeable> open = new ArrayList<>();
    try {
      Context context = new Context(line, out, err);
      for (LauncherExtension extension : extensions) {
        if (command != null && command.extension().equals(extension)) {
          sessions.add(command.command().handler().open(context, line.commandArguments()));
        } else if (line.hasAny(extension.options())) {
          sessions.add(extension.open(context));
        }
      }
      for (LaunchSession session : sessions) {
        OptionalInt status = session.takeOver();
        if (status.isPresent()) {
          return status.getAsInt();
        }
      }
      Optional<String> level = line.value("--log-level");
      if (level.isPresent() && !LOG_LEVELS.contains(level.get().toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException(
            "--log-level is one of "
                + String.join(", ", LOG_LEVELS)
                + ", not '"
                + level.get()
                + "'");
      }
      RunBuilder run = graph.newRun();
      Optional<String> layout = line.value("--layout");
      if (layout.isPresent()) {
        run.layout(layout(layout.get()));
      }
      InputSpecs inputs = InputSpecs.parse(line.values("--input"), inputTypes, new JsonTasks(gson));
      if (inputs.isEmpty() && sessions.stream().noneMatch(LaunchSession::suppliesTasks)) {
        throw new IllegalArgumentException(
            "no tasks: give some with --input STAGE=TASKS (input stages: "
                + inputTypes.keySet()
                + ")");
      }
      if (line.has("--bench")) {
        return new BenchMatrix(graph, inputs, out).run();
      }
      inputs.feed(run, sessions, open);
      listeners.forEach(run::listener);
      if (line.has("--progress")) {
        run.listener(err == System.err ? progress.build() : progress.output(err).build());
      }
      run.observer(new TaskLogging());
      for (LaunchSession session : sessions) {
        session.configure(run);
      }
      GraphResult result;
      try (ShutdownGuard guard = new ShutdownGuard()) {
        result = execute(run, sessions, guard);
        out.println(gson.toJson(new Reports(gson).outputs(result)));
        out.flush();
        Reports.printSummary(result, err);
        err.flush();
      }
      for (LaunchSession session : sessions) {
        session.finished(result);
      }
      boolean clean =
          result.isCompleted() && result.failureCount() == 0 && result.inputFailures().isEmpty();
      return clean ? 0 : 1;
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return 2;
    } catch (CelestialFlowException e) {
      err.println("error: " + e.getMessage());
      return e.getCause() instanceof Error ? 1 : 2;
    } catch (Exception e) {
      err.println("error: " + e);
      return 1;
    } finally {
      Collections.reverse(sessions);
      for (LaunchSession session : sessions) {
        session.close();
      }
      for (Closeable c : open) {
        try {
          c.close();
        } catch (IOException e) {
          err.println("warning: could not close an input file: " + e.getMessage());
        }
      }
    }
  }

  /** A command and the extension that adds it. */
  private record Command(LauncherExtension extension, LaunchCommand command) {}

  /** The options of the launcher and its extensions, without the commands' own. */
  private Map<String, LaunchOption> globalOptions() {
    Map<String, LaunchOption> known = new LinkedHashMap<>();
    for (LaunchOption o : CORE_OPTIONS) {
      known.put(o.name(), o);
    }
    for (LauncherExtension e : extensions) {
      for (LaunchOption o : e.options()) {
        if (known.putIfAbsent(o.name(), o) != null) {
          throw new IllegalStateException(
              "two launcher extensions (or the launcher and one) both define " + o.name());
        }
      }
    }
    return known;
  }

  /** Every option the command line may hold: the global ones and every command's own. */
  private Map<String, LaunchOption> knownOptions() {
    Map<String, LaunchOption> known = globalOptions();
    Map<String, LaunchOption> global = Map.copyOf(known);
    for (Command c : commands().values()) {
      for (LaunchOption o : c.command().options()) {
        LaunchOption before = known.putIfAbsent(o.name(), o);
        if (before != null && (global.containsKey(o.name()) || !before.equals(o))) {
          throw new IllegalStateException(
              "command " + c.command().name() + " defines " + o.name() + " a second time");
        }
      }
    }
    return known;
  }

  private Map<String, Command> commands() {
    Map<String, Command> commands = new LinkedHashMap<>();
    for (LauncherExtension e : extensions) {
      for (LaunchCommand c : e.commands()) {
        if (commands.putIfAbsent(c.name(), new Command(e, c)) != null) {
          throw new IllegalStateException("two launcher extensions both define " + c.name());
        }
      }
    }
    return commands;
  }

  /** A command's own options are refused without it (and with another command). */
  private static void checkCommandOptions(
      CommandLine line, @Nullable Command given, Collection<Command> commands) {
    Set<String> allowed = new HashSet<>();
    if (given != null) {
      given.command().options().forEach(o -> allowed.add(o.name()));
    }
    Map<String, List<String>> owners = new TreeMap<>();
    for (Command c : commands) {
      for (LaunchOption o : c.command().options()) {
        owners.computeIfAbsent(o.name(), k -> new ArrayList<>()).add(c.command().name());
      }
    }
    for (Map.Entry<String, List<String>> e : owners.entrySet()) {
      if (line.has(e.getKey()) && !allowed.contains(e.getKey())) {
        throw new IllegalArgumentException(
            e.getKey()
                + " goes with the "
                + String.join(" or ", e.getValue())
                + " command"
                + (given == null ? "" : ", not with " + given.command().name()));
      }
    }
  }

  private static Layout layout(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "streaming", "process" -> Layout.STREAMING;
      case "serial" -> Layout.SERIAL;
      default ->
          throw new IllegalArgumentException("--layout is streaming or serial, not '" + name + "'");
    };
  }

  /**
   * {@code bench ...} is {@code --bench ...}: the matrix is the launcher's own, so the command is
   * spelled as its option (unless an extension offers a command of that name).
   */
  private List<String> benchCommandAsOption(List<String> args) {
    if (args.isEmpty() || !args.get(0).equals("bench") || commands().containsKey("bench")) {
      return args;
    }
    List<String> rewritten = new ArrayList<>(args);
    rewritten.set(0, "--bench");
    return rewritten;
  }

  /** The command-line usage. */
  String usage() {
    StringBuilder s = new StringBuilder();
    Map<String, Command> commands = commands();
    s.append("usage: java -cp <class path> ").append(program).append(" [options]\n");
    if (!commands.isEmpty()) {
      s.append("       java -cp <class path> ").append(program);
      s.append(" COMMAND [arguments] [options]\n");
    }
    s.append("Runs graph '")
        .append(graph.name())
        .append("' and prints the outputs of its collected stages as one JSON object.\n");
    s.append("Options:\n");
    for (LaunchOption o : globalOptions().values()) {
      String head =
          switch (o.value()) {
            case NONE -> o.name();
            case REQUIRED -> o.name() + " " + o.valueName();
            case OPTIONAL -> o.name() + "[=" + o.valueName() + "]";
          };
      List<String> help = wrap(o.help(), USAGE_WIDTH - HELP_COLUMN);
      s.append(String.format(Locale.ROOT, "  %-26s %s%n", head, help.getFirst()));
      for (String more : help.subList(1, help.size())) {
        s.append(" ".repeat(HELP_COLUMN)).append(more).append('\n');
      }
    }
    if (!commands.isEmpty()) {
      s.append("Commands:\n");
    }
    for (Command c : commands.values()) {
      String head = (c.command().name() + " " + c.command().arguments()).strip();
      List<String> help = wrap(c.command().help(), USAGE_WIDTH - HELP_COLUMN);
      if (head.length() > HELP_COLUMN - 3) {
        s.append("  ").append(head).append('\n');
      } else {
        s.append(String.format(Locale.ROOT, "  %-26s %s%n", head, help.getFirst()));
        help = help.subList(1, help.size());
      }
      for (String more : help) {
        s.append(" ".repeat(HELP_COLUMN)).append(more).append('\n');
      }
    }
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

  /** Usage lines fit in this many columns (the help of an option is wrapped). */
  private static final int USAGE_WIDTH = 100;

  /** Where the help of an option starts in the usage. */
  private static final int HELP_COLUMN = 29;

  /** Splits text at spaces into lines of at most {@code width} characters (longer words stay). */
  private static List<String> wrap(String text, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" ")) {
      if (!line.isEmpty() && line.length() + 1 + word.length() > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      if (!line.isEmpty()) {
        line.append(' ');
      }
      line.append(word);
    }
    lines.add(line.toString());
    return lines;
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

  private GraphResult execute(
      RunBuilder builder, List<LaunchSession> sessions, ShutdownGuard guard) {
    // Not a static field: GraphLauncher.main sets the level before the first logger is created.
    Logger log = LoggerFactory.getLogger(GraphLauncher.class);
    try (GraphRun run = builder.start()) {
      guard.watch(run);
      log.debug(
          "run {} of graph '{}' started: layout {}, stages {}",
          run.runId(),
          graph.name(),
          run.layout(),
          graph.stages().stream().map(s -> s.describe()).toList());
      for (LaunchSession session : sessions) {
        session.started(run);
      }
      GraphResult result = run.await();
      log.debug(
          "run {} of graph '{}' ended: {} in {} ms, {} failures",
          result.runId(),
          graph.name(),
          result.state(),
          result.elapsed().toMillis(),
          result.failureCount());
      return result;
    }
  }

  /** What launcher extensions see of this launch. */
  private final class Context implements LaunchContext {
    private final CommandLine line;
    private final PrintStream out;
    private final PrintStream err;

    Context(CommandLine line, PrintStream out, PrintStream err) {
      this.line = line;
      this.out = out;
      this.err = err;
    }

    @Override
    public TaskGraph graph() {
      return graph;
    }

    @Override
    public Map<String, Type> inputTypes() {
      return Collections.unmodifiableMap(inputTypes);
    }

    @Override
    public boolean has(String option) {
      return line.has(option);
    }

    @Override
    public Optional<String> value(String option) {
      return line.value(option);
    }

    @Override
    public List<String> values(String option) {
      return line.values(option);
    }

    @Override
    public PrintStream out() {
      return out;
    }

    @Override
    public PrintStream err() {
      return err;
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
