package io.celestialflow.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.celestialflow.processor.Sources.compile;
import static io.celestialflow.processor.Sources.source;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import io.celestialflow.GraphResult;
import io.celestialflow.TaskGraph;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The generated classes run: every adaptation (arrays, primitive arrays, streams, asynchronous
 * stages, overloads, argument records) does what the stage method says, and the runner works.
 */
@Timeout(60)
class GeneratedGraphsRunTest {

  @Test
  void arraysStreamsStaticMethodsAndOverloadsAreWiredToTheRightMethods() {
    Compilation c =
        compile(
            source(
                "Shapes",
                "public class Shapes {",
                "  @Stage(kind = StageKind.SPLITTER)",
                "  @Edge(to = \"twice\")",
                "  int[] digits(String s) { return s.chars().map(ch -> ch - '0').toArray(); }",
                "",
                "  @Stage",
                "  @Edge(to = \"names\")",
                "  static long twice(int x) { return 2L * x; }",
                "",
                "  static long twice(Object o) { throw new AssertionError(\"the overload ran\"); }",
                "",
                "  @Stage(kind = StageKind.SPLITTER)",
                "  @Edge(to = \"shout\")",
                "  String[] names(long x) { return new String[] {\"n\" + x, \"m\" + x}; }",
                "",
                "  @Stage(kind = StageKind.SPLITTER, mode = ExecutionMode.THREAD, workers = 2)",
                "  Stream<String> shout(String s) { return Stream.of(s.toUpperCase(Locale.ROOT)); }",
                "}"));
    assertThat(c).succeededWithoutWarnings();
    Loaded classes = new Loaded(c);
    Object target = classes.create("demo.Shapes", new Class<?>[0]);
    Object graph =
        classes.create("demo.ShapesGraph", new Class<?>[] {classes.type("demo.Shapes")}, target);

    Object result = Loaded.call(graph, "run", List.of("12", "3"));

    GraphResult raw = (GraphResult) Loaded.call(result, "graphResult");
    assertThat(raw.failures()).isEmpty();
    assertThat((List<?>) Loaded.call(result, "shout"))
        .containsExactly("N2", "M2", "N4", "M4", "N6", "M6");
    assertThat(raw.stats("twice").succeeded()).isEqualTo(3);
    Loaded.call(graph, "close");
  }

  @Test
  void asynchronousMapsSplittersRoutersAndConsumersRun() {
    Compilation c =
        compile(
            source(
                "Async",
                "public class Async {",
                "  final List<Integer> odds = Collections.synchronizedList(new ArrayList<>());",
                "",
                "  @Stage(mode = ExecutionMode.ASYNC)",
                "  @Edge(to = \"expand\")",
                "  CompletableFuture<Integer> parse(String s) {",
                "    return CompletableFuture.supplyAsync(() -> Integer.parseInt(s));",
                "  }",
                "",
                "  @Stage(kind = StageKind.SPLITTER, mode = ExecutionMode.ASYNC, workers = 4)",
                "  @Edge(to = \"route\")",
                "  CompletionStage<List<Integer>> expand(int n) {",
                "    return CompletableFuture.completedFuture(IntStream.range(0, n).boxed().toList());",
                "  }",
                "",
                "  @Stage(kind = StageKind.ROUTER, mode = ExecutionMode.ASYNC, routes = {\"even\","
                    + " \"odd\"})",
                "  @Edge(to = \"even\")",
                "  @Edge(to = \"odd\")",
                "  CompletableFuture<Routed<Integer>> route(int n) {",
                "    return CompletableFuture.supplyAsync(() -> Routed.to(n % 2 == 0 ? \"even\" :"
                    + " \"odd\", n));",
                "  }",
                "",
                "  @Stage",
                "  String even(int n) { return \"even \" + n; }",
                "",
                "  @Stage(mode = ExecutionMode.THREAD, workers = 2)",
                "  void odd(int n) { odds.add(n); }",
                "}"));
    assertThat(c).succeededWithoutWarnings();
    Loaded classes = new Loaded(c);
    Object target = classes.create("demo.Async", new Class<?>[0]);
    Object graph =
        classes.create("demo.AsyncGraph", new Class<?>[] {classes.type("demo.Async")}, target);

    Object result = Loaded.call(graph, "run", List.of("3", "4"));

    GraphResult raw = (GraphResult) Loaded.call(result, "graphResult");
    assertThat(raw.failures()).isEmpty();
    assertThat((List<?>) Loaded.call(result, "even"))
        .containsExactly("even 0", "even 2", "even 0", "even 2");
    assertThat(raw.stats("odd").succeeded()).isEqualTo(3); // 1 (from 3), 1 and 3 (from 4)
    Loaded.call(graph, "close");
  }

  @Test
  void argumentRecordsCollectedStagesAndPoliciesWork() throws Exception {
    Compilation c =
        compile(
            source(
                "Mixed",
                "public class Mixed {",
                "  final Set<Integer> failedOnce = ConcurrentHashMap.newKeySet();",
                "",
                "  @Stage(collect = true)",
                "  @Edge(to = \"flaky\")",
                "  static int add(int x, int y) { return x + y; }",
                "",
                "  @Stage(retryOn = IllegalStateException.class, maxAttempts = 3, backoffMillis ="
                    + " 1,",
                "      dedupe = true, timeoutMillis = 5000)",
                "  String flaky(int n) {",
                "    if (failedOnce.add(n)) {",
                "      throw new IllegalStateException(\"first try of \" + n);",
                "    }",
                "    return \"ok \" + n;",
                "  }",
                "}"));
    assertThat(c).succeededWithoutWarnings();
    Loaded classes = new Loaded(c);
    Object graph =
        classes.create(
            "demo.MixedGraph",
            new Class<?>[] {classes.type("demo.Mixed")},
            classes.create("demo.Mixed", new Class<?>[0]));
    Class<?> args = classes.type("demo.MixedGraph$AddArgs");
    var make = args.getDeclaredConstructor(int.class, int.class);
    List<Object> tasks =
        List.of(make.newInstance(1, 2), make.newInstance(2, 1), make.newInstance(5, 5));

    Object result = Loaded.call(Loaded.call(Loaded.call(graph, "newRun"), "add", tasks), "run");

    GraphResult raw = (GraphResult) Loaded.call(result, "graphResult");
    assertThat(raw.failures()).isEmpty();
    assertThat((List<?>) Loaded.call(result, "add")).containsExactly(3, 3, 10);
    assertThat((List<?>) Loaded.call(result, "flaky")).containsExactly("ok 3", "ok 10");
    assertThat(raw.stats("flaky").duplicates()).isEqualTo(1);
    assertThat(raw.stats("flaky").retries()).isEqualTo(2);
    TaskGraph taskGraph = (TaskGraph) Loaded.call(graph, "graph");
    assertThat(taskGraph.stage("flaky").dedupe()).isTrue();
    assertThat(taskGraph.stage("flaky").retryPolicy().maxAttempts()).isEqualTo(3);
    Loaded.call(graph, "close");
  }

  @Test
  void methodsNamedLikeGeneratedMembersGetASuffix() {
    Compilation c =
        compile(
            source(
                "Named",
                "public class Named {",
                "  @Stage",
                "  @Edge(to = \"hashCode\")",
                "  int start(int x) { return x + 1; }",
                "",
                "  @Stage",
                "  String hashCode(int x) { return \"#\" + x; }",
                "}"));
    assertThat(c).succeededWithoutWarnings();
    Loaded classes = new Loaded(c);
    Object graph =
        classes.create(
            "demo.NamedGraph",
            new Class<?>[] {classes.type("demo.Named")},
            classes.create("demo.Named", new Class<?>[0]));

    Object run = Loaded.call(Loaded.call(graph, "newRun"), "startTasks", List.of(1, 2));
    Object result = Loaded.call(run, "run");

    assertThat((List<?>) Loaded.call(result, "hashCodeOutputs")).containsExactly("#2", "#3");
    Loaded.call(graph, "close");
  }

  @Test
  void userTypesNamedLikeGeneratedOnesAreQualified() {
    Compilation c =
        compile(
            JavaFileObjects.forSourceString(
                "demo.Result", "package demo; public record Result(int v) {}"),
            JavaFileObjects.forSourceString(
                "demo.Run", "package demo; public record Run(int v) {}"),
            JavaFileObjects.forSourceString(
                "demo.AddArgs", "package demo; public record AddArgs(int v) {}"),
            source(
                "Clashy",
                "public class Clashy {",
                "  @Stage",
                "  @Edge(to = \"echo\")",
                "  Result make(Run r) { return new Result(r.v()); }",
                "  @Stage",
                "  Result echo(Result r) { return r; }",
                "  @Stage",
                "  String add(AddArgs a, int b) { return a.v() + \"+\" + b; }",
                "}"));

    assertThat(c).succeededWithoutWarnings();
    assertThat(c)
        .generatedSourceFile("demo.ClashyGraph")
        .contentsAsUtf8String()
        .contains("private final TaskStage<demo.Run, demo.Result> makeStage;");
    assertThat(c)
        .generatedSourceFile("demo.ClashyGraph")
        .contentsAsUtf8String()
        .contains("public record AddArgs(demo.AddArgs a, int b)");
  }

  @Test
  void theGeneratedMainRunsTheGraphFromTheCommandLine() throws Exception {
    Compilation c = compile(Sources.resource("golden/quickstart/Quickstart.java"));
    Loaded classes = new Loaded(c);
    var main = classes.type("demo.QuickstartGraph").getMethod("main", String[].class);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream original = System.out;
    PrintStream err = System.err;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      main.invoke(null, (Object) new String[] {"--input", "add=[[1,2],[3,4],[5,6]]"});
    } finally {
      System.setOut(original);
      System.setErr(err);
    }
    String json = out.toString(StandardCharsets.UTF_8).strip();
    assertThat(json).startsWith("{\"square\":[");
    List<Integer> squares =
        Stream.of(json.replaceAll("[^0-9,]", "").split(","))
            .map(Integer::valueOf)
            .sorted()
            .toList();
    assertThat(squares).containsExactly(9, 49, 121).inOrder();
  }
}
