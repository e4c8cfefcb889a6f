package io.celestialflow.store;

import static io.celestialflow.store.StoreLauncherExtension.RESUME;
import static io.celestialflow.store.StoreLauncherExtension.RETRY;
import static io.celestialflow.store.StoreLauncherExtension.RETRY_ERROR;
import static io.celestialflow.store.StoreLauncherExtension.RETRY_STAGE;
import static io.celestialflow.store.StoreLauncherExtension.RUN;
import static io.celestialflow.store.StoreLauncherExtension.STORE;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.celestialflow.spi.LaunchCommand;
import io.celestialflow.spi.LaunchContext;
import io.celestialflow.spi.LaunchOption;
import io.celestialflow.spi.LaunchSession;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;

/**
 * The run store's commands for the generated runners. Each reads the store in {@code --store DIR},
 * by default {@value #DEFAULT_DIRECTORY} under the working directory, and never creates one:
 *
 * <ul>
 *   <li>{@code runs}: the runs in the store, newest first;
 *   <li>{@code resume RUN_ID}: run the tasks the run left unfinished and the unread rest of its
 *       inputs (give the same {@code --input} again);
 *   <li>{@code retry-failed RUN_ID [--stage S] [--error TYPE]}: run its failed tasks again;
 *   <li>{@code failures RUN_ID [--by stage|error] [--json]}: its failures, or their counts;
 *   <li>{@code trace RUN_ID TASK_ID}: a task's ancestors and descendants as a tree.
 * </ul>
 *
 * A run id the store does not know is a usage error whose message lists the runs it does know.
 */
final class StoreCommands {
  /** Where the commands look for the store without {@code --store}: {@value}. */
  static final String DEFAULT_DIRECTORY = "celestialflow-runs";

  static final String STAGE = "--stage";
  static final String ERROR = "--error";
  static final String BY = "--by";
  static final String JSON = "--json";

  /** At most this many runs are listed in the message for an unknown run. */
  private static final int LISTED = 20;

  /** Failures read per query while printing them all. */
  private static final int PAGE = 1_000;

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneOffset.UTC);

  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  private StoreCommands() {}

  static List<LaunchCommand> all() {
    return List.of(
        new LaunchCommand(
            "runs",
            "",
            "list the runs in the run store (--store DIR, default ./" + DEFAULT_DIRECTORY + ")",
            List.of(),
            (context, args) -> {
              arguments(context, "runs", args, 0, "");
              return report(() -> runs(context));
            }),
        new LaunchCommand(
            "resume",
            "RUN_ID",
            "run the tasks run RUN_ID left unfinished, then the unread rest of its inputs: give"
                + " the same --input again",
            List.of(),
            (context, args) -> {
              arguments(context, "resume", args, 1, "RUN_ID");
              return StoreSession.continuing(
                  context,
                  directory(context),
                  Optional.of(args.getFirst()),
                  true,
                  FailureQuery.all());
            }),
        new LaunchCommand(
            "retry-failed",
            "RUN_ID [--stage STAGE] [--error TYPE]",
            "run the failed tasks of run RUN_ID again, or only those of a stage, or of an exception"
                + " type and its subclasses",
            List.of(
                LaunchOption.withValue(STAGE, "STAGE", "only this stage's failures"),
                LaunchOption.withValue(ERROR, "TYPE", "only failures of this exception type")),
            (context, args) -> {
              arguments(context, "retry-failed", args, 1, "RUN_ID");
              return StoreSession.continuing(
                  context,
                  directory(context),
                  Optional.of(args.getFirst()),
                  false,
                  StoreSession.filter(context, context.value(STAGE), context.value(ERROR)));
            }),
        new LaunchCommand(
            "failures",
            "RUN_ID [--by stage|error] [--json]",
            "print the failures of run RUN_ID, newest first (--json: one JSON object per line,"
                + " with its stack trace), or their counts by stage or by exception type",
            List.of(
                LaunchOption.withValue(BY, "stage|error", "count the failures by stage or type"),
                LaunchOption.flag(JSON, "print JSON")),
            (context, args) -> {
              arguments(context, "failures", args, 1, "RUN_ID");
              return report(() -> failures(context, args.getFirst()));
            }),
        new LaunchCommand(
            "trace",
            "RUN_ID TASK_ID",
            "print a task's ancestors and descendants as a tree (runs recorded with --lineage)",
            List.of(),
            (context, args) -> {
              arguments(context, "trace", args, 2, "RUN_ID TASK_ID");
              return report(() -> trace(context, args.get(0), args.get(1)));
            }));
  }

  // ---------------------------------------------------------------- plumbing

  /** A session that runs {@code work} instead of the graph; its result is the exit status. */
  private static LaunchSession report(Callable<Integer> work) {
    return new LaunchSession() {
      @Override
      public OptionalInt takeOver() throws Exception {
        return OptionalInt.of(work.call());
      }
    };
  }

  /** Checks a command's argument count, and that the older options are not mixed in. */
  private static void arguments(
      LaunchContext context, String command, List<String> args, int count, String synopsis) {
    for (String old : List.of(RESUME, RETRY, RETRY_STAGE, RETRY_ERROR, RUN)) {
      if (context.has(old)) {
        throw new IllegalArgumentException(
            old + " is an older form of the commands: leave it out with " + command);
      }
    }
    if (args.size() != count) {
      throw new IllegalArgumentException(
          command
              + " takes "
              + (count == 0 ? "no arguments" : synopsis)
              + (args.isEmpty() ? "" : ", not " + String.join(" ", args)));
    }
  }

  /** The store directory: {@code --store DIR}, else the default. */
  static String directory(LaunchContext context) {
    return context.value(STORE).orElse(DEFAULT_DIRECTORY);
  }

  /**
   * Opens the store in a directory that must hold one: reading commands never create a store.
   *
   * @throws IllegalArgumentException if there is none
   */
  static RunStore openExisting(Path directory, StoreOptions options) {
    if (!Files.exists(directory.resolve(StoreFile.FILE_NAME))) {
      throw new IllegalArgumentException(
          "there is no run store in "
              + directory.toAbsolutePath()
              + " (runs are recorded there with "
              + STORE
              + " "
              + directory
              + "; another store is read with "
              + STORE
              + " DIR)");
    }
    return RunStore.open(directory, options);
  }

  private static RunStore openExisting(LaunchContext context) {
    PrintStream err = context.err();
    return openExisting(
        Path.of(directory(context)),
        StoreOptions.defaults().withWarnings(message -> err.println("warning: " + message)));
  }

  /**
   * Checks that the store has a run.
   *
   * @throws IllegalArgumentException if it has not: the message lists the runs it has
   */
  static RunInfo requireRun(RunStore store, String directory, String runId) {
    Optional<RunInfo> run = store.run(runId);
    if (run.isPresent()) {
      return run.get();
    }
    List<RunInfo> runs = store.runs(LISTED + 1);
    StringBuilder s = new StringBuilder();
    s.append("the run store in ").append(directory).append(" has no run '").append(runId);
    if (runs.isEmpty()) {
      s.append("'; it has no runs yet");
    } else {
      s.append("'; its runs, newest first:\n");
      s.append(runTable(runs.subList(0, Math.min(LISTED, runs.size()))));
      if (runs.size() > LISTED) {
        s.append("(and more: the runs command lists them all)\n");
      }
      s.setLength(s.length() - 1);
    }
    throw new IllegalArgumentException(s.toString());
  }

  // ---------------------------------------------------------------- runs

  private static int runs(LaunchContext context) {
    try (RunStore store = openExisting(context)) {
      List<RunInfo> runs = store.runs(Integer.MAX_VALUE);
      context.out().print(runTable(runs));
      context.out().flush();
      return 0;
    }
  }

  /** Runs as an aligned table: id, graph, start, state, failures, unfinished, origin. */
  static String runTable(List<RunInfo> runs) {
    int id = "RUN".length();
    int graph = "GRAPH".length();
    for (RunInfo r : runs) {
      id = Math.max(id, r.id().length());
      graph = Math.max(graph, r.graph().length());
    }
    String format = "%-" + id + "s  %-" + graph + "s  %-23s  %-9s  %8s  %10s  %s";
    StringBuilder s = new StringBuilder();
    s.append(
            String.format(
                    Locale.ROOT,
                    format,
                    "RUN",
                    "GRAPH",
                    "STARTED (UTC)",
                    "STATE",
                    "FAILURES",
                    "UNFINISHED",
                    "FROM")
                .stripTrailing())
        .append('\n');
    for (RunInfo r : runs) {
      String from = r.originRun().map(o -> r.originKind() + " of " + o).orElse("");
      s.append(
              String.format(
                      Locale.ROOT,
                      format,
                      r.id(),
                      r.graph(),
                      TIME.format(r.startedAt()),
                      r.state(),
                      r.failures(),
                      r.unfinished(),
                      from)
                  .stripTrailing())
          .append('\n');
    }
    return s.toString();
  }

  // ---------------------------------------------------------------- failures

  private static int failures(LaunchContext context, String runId) throws Exception {
    Optional<String> by = context.value(BY);
    if (by.isPresent() && !by.get().equals("stage") && !by.get().equals("error")) {
      throw new IllegalArgumentException(BY + " is stage or error, not '" + by.get() + "'");
    }
    boolean json = context.has(JSON);
    PrintStream out = context.out();
    try (RunStore store = openExisting(context)) {
      requireRun(store, directory(context), runId);
      if (by.isPresent()) {
        out.print(counts(store.failureSummary(runId), runId, by.get(), json));
      } else if (json) {
        Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        store.exportFailures(runId, FailureQuery.all(), writer);
        writer.flush();
      } else {
        printFailures(store, runId, out);
      }
      out.flush();
      return 0;
    }
  }

  /** Counts by stage or by type, as an aligned table or one JSON object. */
  static String counts(FailureSummary summary, String runId, String by, boolean json) {
    List<FailureSummary.Group> groups = by.equals("stage") ? summary.byStage() : summary.byType();
    if (json) {
      JsonObject o = new JsonObject();
      o.addProperty("run", runId);
      o.addProperty("by", by);
      o.addProperty("total", summary.total());
      JsonArray array = new JsonArray();
      for (FailureSummary.Group g : groups) {
        JsonObject group = new JsonObject();
        group.addProperty(by, g.key());
        group.addProperty("failures", g.count());
        array.add(group);
      }
      o.add("groups", array);
      return GSON.toJson(o) + "\n";
    }
    String head = by.equals("stage") ? "STAGE" : "ERROR";
    int width = head.length();
    for (FailureSummary.Group g : groups) {
      width = Math.max(width, g.key().length());
    }
    String format = "%-" + width + "s  %8s%n";
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, format, head, "FAILURES"));
    for (FailureSummary.Group g : groups) {
      s.append(String.format(Locale.ROOT, format, g.key(), g.count()));
    }
    s.append(String.format(Locale.ROOT, format, "total", summary.total()));
    return s.toString();
  }

  /**
   * Every failure, newest first, one line each and the task under it, read a page at a time (so a
   * million failures print without being held in memory):
   *
   * <pre>
   * ID  FAILED AT (UTC)          STAGE  ATTEMPTS  ERROR
   *  3  2026-12-04 10:15:02.123  boom          1  java.lang.IllegalStateException: boom 3
   *                                               task: 3
   * </pre>
   */
  private static void printFailures(RunStore store, String runId, PrintStream out) {
    FailureSummary summary = store.failureSummary(runId);
    int stage = "STAGE".length();
    for (FailureSummary.Group g : summary.byStage()) {
      stage = Math.max(stage, g.key().length());
    }
    FailureQuery query = FailureQuery.all().limit(PAGE);
    FailurePage page = store.failures(runId, query);
    int id = "ID".length();
    if (!page.failures().isEmpty()) {
      id = Math.max(id, Long.toString(page.failures().getFirst().id()).length());
    }
    String format = "%" + id + "s  %-23s  %-" + stage + "s  %8s  %s%n";
    String indent = " ".repeat(id + 2 + 23 + 2 + stage + 2 + 8 + 2);
    out.printf(Locale.ROOT, format, "ID", "FAILED AT (UTC)", "STAGE", "ATTEMPTS", "ERROR");
    while (true) {
      for (FailureRecord f : page.failures()) {
        String error =
            f.message().isEmpty() ? f.exceptionType() : f.exceptionType() + ": " + f.message();
        out.printf(
            Locale.ROOT,
            format,
            f.id(),
            TIME.format(f.failedAt()),
            f.stage(),
            f.attempts(),
            oneLine(error));
        out.append(indent).append("task: ").append(oneLine(f.task().json()));
        f.task().unserialisableNote().ifPresent(note -> out.append(" (").append(note).append(')'));
        out.append('\n');
      }
      if (!page.hasMore()) {
        return;
      }
      page = store.failures(runId, query.before(page.nextCursor()));
    }
  }

  private static String oneLine(String text) {
    return text.replace("\r", "").replace("\n", "\\n");
  }

  // ---------------------------------------------------------------- trace

  private static int trace(LaunchContext context, String runId, String task) {
    long taskId;
    try {
      taskId = Long.parseLong(task);
    } catch (NumberFormatException e) {
      taskId = 0;
    }
    if (taskId < 1) {
      throw new IllegalArgumentException(
          "TASK_ID is a task id (a number from 1, as in the failures' taskId), not '" + task + "'");
    }
    String directory = directory(context);
    try (RunStore store = openExisting(context)) {
      requireRun(store, directory, runId);
      Trace trace = store.trace(runId, taskId);
      if (trace.found()) {
        context.out().print(trace.render());
        context.out().flush();
        return 0;
      }
      long last = LineageTrace.lastTask(store.directory(), runId);
      throw new IllegalArgumentException(
          last == 0
              ? "run "
                  + runId
                  + " recorded no lineage: record runs with "
                  + STORE
                  + " DIR --lineage to trace their tasks"
              : "run "
                  + runId
                  + " has no task "
                  + taskId
                  + " (its task ids go up to "
                  + last
                  + ")");
    }
  }
}
