package io.celestialflow.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.celestialflow.processor.Sources.compile;
import static io.celestialflow.processor.Sources.source;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every mistake is one compile-time error with a message that says what is wrong and how to fix it,
 * on the line of the offending annotation value or element.
 */
@Timeout(60)
class DiagnosticsTest {

  /** Compiles, expects exactly one error, and checks its text and line. */
  private static void oneError(JavaFileObject file, String message, String line) {
    Compilation c = compile(file);
    assertThat(c).failed();
    assertThat(c).hadErrorCount(1);
    assertThat(c).hadErrorContaining(message).inFile(file).onLineContaining(line);
  }

  @Nested
  class Edges {
    @Test
    void anEdgeToAMisspeltStageSuggestsTheClosestName() {
      oneError(
          source(
              "Quickstart",
              "public class Quickstart {",
              "  @Stage",
              "  @Edge(to = \"sqare\")",
              "  int add(int x) { return x + 1; }",
              "  @Stage",
              "  int square(int x) { return x * x; }",
              "}"),
          "no stage named 'sqare' in Quickstart; did you mean 'square'?",
          "@Edge(to = \"sqare\")");
    }

    @Test
    void anEdgeToAnUnknownStageListsTheStages() {
      oneError(
          source(
              "Quickstart",
              "public class Quickstart {",
              "  @Stage",
              "  @Edge(to = \"elsewhere\")",
              "  int add(int x) { return x + 1; }",
              "  @Stage",
              "  int square(int x) { return x * x; }",
              "}"),
          "no stage named 'elsewhere' in Quickstart (stages: add, square)",
          "@Edge(to = \"elsewhere\")");
    }

    @Test
    void aRepeatedEdgeIsReportedOnItsOwnLine() {
      oneError(
          source(
              "Fan",
              "public class Fan {",
              "  @Stage",
              "  @Edge(to = \"left\")",
              "  @Edge(to = \"rigth\")",
              "  int split(int x) { return x; }",
              "  @Stage",
              "  int left(int x) { return x; }",
              "  @Stage",
              "  int right(int x) { return x; }",
              "}"),
          "no stage named 'rigth' in Fan; did you mean 'right'?",
          "@Edge(to = \"rigth\")");
    }

    @Test
    void anEdgeWhoseOutputTypeIsNotTheTargetsInputTypeSaysBothTypes() {
      oneError(
          source(
              "Text",
              "public class Text {",
              "  @Stage",
              "  @Edge(to = \"shout\")",
              "  int length(String s) { return s.length(); }",
              "  @Stage",
              "  String shout(String s) { return s + \"!\"; }",
              "}"),
          "'length' emits int (boxed as java.lang.Integer), which is not assignable to"
              + " java.lang.String, the input type of 'shout'",
          "@Edge(to = \"shout\")");
    }

    @Test
    void primitivesDoNotWidenBetweenStagesBecauseTasksTravelBoxed() {
      oneError(
          source(
              "Numbers",
              "public class Numbers {",
              "  @Stage",
              "  @Edge(to = \"big\")",
              "  int add(int x) { return x + 1; }",
              "  @Stage",
              "  long big(long x) { return x; }",
              "}"),
          "'add' emits int (boxed as java.lang.Integer), which is not assignable to long (boxed as"
              + " java.lang.Long), the input type of 'big'",
          "@Edge(to = \"big\")");
    }

    @Test
    void anEdgeIntoAMultiParameterStageExplainsWhy() {
      oneError(
          source(
              "Pairs",
              "public class Pairs {",
              "  @Stage",
              "  @Edge(to = \"add\")",
              "  int one(int x) { return x; }",
              "  @Stage",
              "  int add(int x, int y) { return x + y; }",
              "}"),
          "'one' emits java.lang.Integer, but 'add' takes several parameters, so its task is the"
              + " generated record AddArgs, which no stage can return; give add one parameter (a"
              + " record of your own) to feed it from another stage",
          "@Edge(to = \"add\")");
    }

    @Test
    void anEdgeWithoutStageIsAnError() {
      oneError(
          source(
              "Helper",
              "public class Helper {",
              "  @Edge(to = \"square\")",
              "  int helper(int x) { return x; }",
              "  @Stage",
              "  int square(int x) { return x * x; }",
              "}"),
          "@Edge on 'helper' needs @Stage on the same method: only stages have edges",
          "@Edge(to = \"square\")");
    }

    @Test
    void aVoidStageCannotHaveOutgoingEdges() {
      oneError(
          source(
              "Sink",
              "public class Sink {",
              "  @Stage",
              "  @Edge(to = \"more\")",
              "  void log(String s) {}",
              "  @Stage",
              "  String more(String s) { return s; }",
              "}"),
          "stage 'log' returns void (a consumer) and emits nothing, so it cannot have an edge to"
              + " 'more'; return the value to pass on",
          "@Edge(to = \"more\")");
    }

    @Test
    void aDuplicateEdgeIsAnError() {
      oneError(
          source(
              "Twice",
              "public class Twice {",
              "  @Stage",
              "  @Edge(to = \"b\")",
              "  @Edge(to = \"b\") // again",
              "  int a(int x) { return x; }",
              "  @Stage",
              "  int b(int x) { return x; }",
              "}"),
          "duplicate edge a -> b",
          "// again");
    }
  }

  @Nested
  class Names {
    @Test
    void duplicateStageNamesAreAnError() {
      oneError(
          source(
              "Dup",
              "public class Dup {",
              "  @Stage",
              "  int add(int x) { return x + 1; }",
              "  @Stage(name = \"add\")",
              "  int plus(int x) { return x + 1; }",
              "}"),
          "duplicate stage name 'add': add(int) is already a stage of that name; stage names must"
              + " be unique",
          "@Stage(name = \"add\")");
    }

    @Test
    void overloadedStageMethodsAreAnErrorBecauseGeneratedMembersAreNamedAfterThem() {
      oneError(
          source(
              "Over",
              "public class Over {",
              "  @Stage",
              "  int add(int x) { return x + 1; }",
              "  @Stage(name = \"addText\")",
              "  String add(String x) { return x + 1; }",
              "}"),
          "stage methods need distinct names, because the generated members are named after them,"
              + " but add(int) is a stage too; rename one of them",
          "String add(String x)");
    }

    @Test
    void twoStagesWhoseGeneratedMethodsWouldCollideAreAnError() {
      // run's input method is runTasks, as it cannot be Run.run(); runTasks has the same name.
      oneError(
          source(
              "Clash",
              "public class Clash {",
              "  @Stage",
              "  int run(int x) { return x; }",
              "  @Stage",
              "  int runTasks(int x) { return x; }",
              "}"),
          "stage methods 'run' and 'runTasks' would both generate ClashGraph.Run.runTasks(...);"
              + " rename one of them (a stage can keep its name with @Stage(name = ...))",
          "int runTasks(int x)");
    }

    @Test
    void aBlankStageNameIsAnError() {
      oneError(
          source(
              "Blank",
              "public class Blank {",
              "  @Stage(name = \" add\")",
              "  int add(int x) { return x; }",
              "}"),
          "stage name ' add' must not be blank, start or end with spaces or contain control"
              + " characters",
          "@Stage(name = \" add\")");
    }

    @Test
    void aParameterNamedLikeAnObjectMethodCannotBeARecordComponent() {
      oneError(
          source(
              "Comp",
              "public class Comp {",
              "  @Stage",
              "  int add(int x, int hashCode) { return x + hashCode; }",
              "}"),
          "parameter 'hashCode' of add(int, int) cannot be a component of the generated record"
              + " AddArgs; rename it",
          "int add(int x, int hashCode)");
    }
  }

  @Nested
  class ReturnTypes {
    @Test
    void anAsyncStageMustReturnACompletionStage() {
      oneError(
          source(
              "Fetch",
              "public class Fetch {",
              "  @Stage(mode = ExecutionMode.ASYNC)",
              "  String fetch(String url) { return url; }",
              "}"),
          "ASYNC stage 'fetch' must return CompletionStage<T> (the engine waits for it), but"
              + " returns java.lang.String",
          "mode = ExecutionMode.ASYNC");
    }

    @Test
    void aCompletionStageOutsideAsyncModeAsksForAsync() {
      oneError(
          source(
              "Fetch",
              "public class Fetch {",
              "  @Stage(mode = ExecutionMode.THREAD, workers = 2)",
              "  CompletableFuture<String> fetch(String url) {",
              "    return CompletableFuture.completedFuture(url);",
              "  }",
              "}"),
          "stage 'fetch' returns java.util.concurrent.CompletableFuture<java.lang.String> but runs"
              + " in mode THREAD; set mode = ExecutionMode.ASYNC to have the engine wait for it",
          "mode = ExecutionMode.THREAD");
    }

    @Test
    void anAsyncConsumerIsNotSupported() {
      oneError(
          source(
              "Store",
              "public class Store {",
              "  @Stage(mode = ExecutionMode.ASYNC)",
              "  CompletableFuture<Void> store(String row) { return CompletableFuture.completedFuture(null); }",
              "}"),
          "ASYNC stage 'store' completes with Void; asynchronous consumers are not supported",
          "mode = ExecutionMode.ASYNC");
    }

    @Test
    void aSplitterMustReturnAnIterableAStreamOrAnArray() {
      oneError(
          source(
              "Words",
              "public class Words {",
              "  @Stage(kind = StageKind.SPLITTER)",
              "  String words(String s) { return s; }",
              "}"),
          "SPLITTER 'words' must return an Iterable, a Stream or an array (each item becomes a task"
              + " downstream), but returns java.lang.String",
          "kind = StageKind.SPLITTER");
    }

    @Test
    void aSplitterOfARawListCannotBeTyped() {
      oneError(
          source(
              "Words",
              "public class Words {",
              "  @SuppressWarnings(\"rawtypes\")",
              "  @Stage(kind = StageKind.SPLITTER)",
              "  List words(String s) { return List.of(s); }",
              "}"),
          "stage 'words' returns the raw type java.util.List; give its type argument (e.g."
              + " List<String>) so that the wiring can type the outputs",
          "kind = StageKind.SPLITTER");
    }

    @Test
    void aSplitterOfAnUnsupportedPrimitiveArraySaysWhichAreSupported() {
      oneError(
          source(
              "Chars",
              "public class Chars {",
              "  @Stage(kind = StageKind.SPLITTER)",
              "  char[] chars(String s) { return s.toCharArray(); }",
              "}"),
          "SPLITTER 'chars' returns char[]; of primitive arrays only int[], long[] and double[] are"
              + " supported, so return a List instead",
          "kind = StageKind.SPLITTER");
    }

    @Test
    void anAsyncSplitterMustCompleteWithAnIterable() {
      oneError(
          source(
              "Words",
              "public class Words {",
              "  @Stage(kind = StageKind.SPLITTER, mode = ExecutionMode.ASYNC)",
              "  CompletableFuture<String[]> words(String s) {",
              "    return CompletableFuture.completedFuture(s.split(\" \"));",
              "  }",
              "}"),
          "an ASYNC SPLITTER must return a CompletionStage of an Iterable, but 'words' completes"
              + " with java.lang.String[]",
          "kind = StageKind.SPLITTER");
    }

    @Test
    void aRouterMustReturnRouted() {
      oneError(
          source(
              "Parity",
              "public class Parity {",
              "  @Stage(kind = StageKind.ROUTER)",
              "  Integer parity(int n) { return n; }",
              "}"),
          "ROUTER 'parity' must return Routed<T> (the value and the stages it goes to), but"
              + " returns java.lang.Integer",
          "kind = StageKind.ROUTER");
    }

    @Test
    void aConsumerMustReturnVoid() {
      oneError(
          source(
              "Sink",
              "public class Sink {",
              "  @Stage(kind = StageKind.CONSUMER)",
              "  int store(int n) { return n; }",
              "}"),
          "CONSUMER 'store' must return void, but returns int; use kind = StageKind.MAP to pass"
              + " the value on",
          "kind = StageKind.CONSUMER");
    }

    @Test
    void aStageReturningVoidTheClassIsAnError() {
      oneError(
          source(
              "Sink",
              "public class Sink {",
              "  @Stage",
              "  Void store(int n) { return null; }",
              "}"),
          "stage 'store' returns Void, which is never a task; make it void",
          "@Stage");
    }
  }

  @Nested
  class Routers {
    @Test
    void aRouterWhoseDeclaredTargetsAreNotAmongItsEdgesIsAnError() {
      oneError(
          source(
              "Parity",
              "public class Parity {",
              "  @Stage(kind = StageKind.ROUTER,",
              "      routes = {\"even\", \"odd\"})",
              "  @Edge(to = \"even\")",
              "  Routed<Integer> parity(int n) { return Routed.to(n % 2 == 0 ? \"even\" : \"odd\", n); }",
              "  @Stage",
              "  int even(int n) { return n; }",
              "  @Stage",
              "  int odd(int n) { return n; }",
              "}"),
          "router 'parity' routes to 'odd', which is not one of its edges (even); add @Edge(to ="
              + " \"odd\")",
          "routes = {\"even\", \"odd\"}");
    }

    @Test
    void routesOnAStageThatIsNotARouterAreAnError() {
      oneError(
          source(
              "Parity",
              "public class Parity {",
              "  @Stage(routes = \"even\")",
              "  int parity(int n) { return n; }",
              "}"),
          "routes are the targets of a ROUTER, but 'parity' is a MAP; set kind = StageKind.ROUTER"
              + " or remove routes",
          "@Stage(routes = \"even\")");
    }

    @Test
    void anEdgeOfARouterOutsideItsRoutesIsAWarning() {
      JavaFileObject file =
          source(
              "Parity",
              "public class Parity {",
              "  @Stage(kind = StageKind.ROUTER, routes = \"even\")",
              "  @Edge(to = \"even\")",
              "  @Edge(to = \"odd\")",
              "  Routed<Integer> parity(int n) { return Routed.to(\"even\", n); }",
              "  @Stage",
              "  int even(int n) { return n; }",
              "  @Stage",
              "  int odd(int n) { return n; }",
              "}");
      Compilation c =
          com.google.testing.compile.Compiler.javac()
              .withProcessors(new StageProcessor())
              .compile(file);
      assertThat(c).succeeded();
      assertThat(c)
          .hadWarningContaining(
              "router 'parity' has an edge to 'odd' but does not list it in routes, so the edge"
                  + " never carries a task")
          .inFile(file)
          .onLineContaining("@Edge(to = \"odd\")");
    }
  }

  @Nested
  class Methods {
    @Test
    void aPrivateStageMethodIsAnError() {
      oneError(
          source(
              "Quickstart",
              "public class Quickstart {",
              "  @Stage",
              "  private int add(int x) { return x + 1; }",
              "}"),
          "stage method add(int) is private; QuickstartGraph calls it from the same package, so"
              + " make it package-private or wider",
          "private int add(int x)");
    }

    @Test
    void aGenericStageMethodIsAnError() {
      oneError(
          source("Same", "public class Same {", "  @Stage", "  <T> T same(T t) { return t; }", "}"),
          "stage method same(T) is generic; the graph's wiring needs concrete task and output"
              + " types, so declare it without type parameters",
          "<T> T same(T t)");
    }

    @Test
    void aStageMethodWithoutParametersIsAnError() {
      oneError(
          source("Tick", "public class Tick {", "  @Stage", "  int tick() { return 1; }", "}"),
          "stage method tick() has no parameter; a stage method takes its task as its parameters",
          "int tick()");
    }

    @Test
    void aTypeTheGeneratedClassCannotNameIsAnError() {
      oneError(
          source(
              "Hidden",
              "public class Hidden {",
              "  private record Secret(int x) {}",
              "  @Stage",
              "  int open(Secret s) { return s.x(); }",
              "}"),
          "demo.Hidden.Secret (the type of parameter 's') is not accessible from package demo, so"
              + " HiddenGraph cannot name it; make it package-private or wider",
          "int open(Secret s)");
    }
  }

  @Nested
  class Values {
    @Test
    void aSerialStageWithSeveralWorkersIsAnError() {
      oneError(
          source(
              "Pool",
              "public class Pool {",
              "  @Stage(workers = 4)",
              "  int work(int x) { return x; }",
              "}"),
          "a SERIAL stage runs one task at a time, so workers must be 1, was 4; use mode ="
              + " ExecutionMode.THREAD for a pool",
          "@Stage(workers = 4)");
    }

    @Test
    void virtualThreadsNeedThreadMode() {
      oneError(
          source(
              "Pool",
              "public class Pool {",
              "  @Stage(virtualThreads = true)",
              "  int work(int x) { return x; }",
              "}"),
          "virtual threads need mode = ExecutionMode.THREAD, not SERIAL",
          "@Stage(virtualThreads = true)");
    }

    @Test
    void retriesNeedAtLeastOneAttempt() {
      oneError(
          source(
              "Pool",
              "public class Pool {",
              "  @Stage(retryOn = java.io.IOException.class, maxAttempts = 0)",
              "  int work(int x) { return x; }",
              "}"),
          "maxAttempts must be at least 1 (the first attempt counts), was 0",
          "maxAttempts = 0");
    }

    @Test
    void collectingAConsumerIsAnError() {
      oneError(
          source(
              "Sink",
              "public class Sink {",
              "  @Stage(collect = true)",
              "  void log(String s) {}",
              "}"),
          "stage 'log' returns void (a consumer) and has no outputs to collect",
          "@Stage(collect = true)");
    }
  }

  @Nested
  class Classes {
    @Test
    void aClassWithoutAnAccessibleConstructorIsAnErrorWhenTheRunnerMustCreateIt() {
      oneError(
          source(
              "Seeded",
              "public class Seeded {",
              "  private final int seed;",
              "  public Seeded(int seed) { this.seed = seed; }",
              "  @Stage",
              "  int add(int x) { return x + seed; }",
              "}"),
          "the runner (SeededGraph.main) must create a Seeded for its instance stage methods, but"
              + " Seeded has no accessible no-argument constructor; add a public no-argument"
              + " constructor, make the stage methods static, or set @Pipeline(runner = false)",
          "public class Seeded");
    }

    @Test
    void withoutARunnerSuchAClassIsFine() {
      Compilation c =
          compile(
              source(
                  "Seeded",
                  "@Pipeline(runner = false)",
                  "public class Seeded {",
                  "  private final int seed;",
                  "  public Seeded(int seed) { this.seed = seed; }",
                  "  @Stage",
                  "  int add(int x) { return x + seed; }",
                  "}"));
      assertThat(c).succeededWithoutWarnings();
    }

    @Test
    void recordsAndInterfacesMayHoldStagesWhenNoRunnerMustCreateThem() {
      Compilation c =
          compile(
              source(
                  "Scale",
                  "@Pipeline(runner = false)",
                  "public record Scale(int factor) {",
                  "  @Stage",
                  "  int times(int x) { return x * factor; }",
                  "}"),
              source(
                  "Shout",
                  "@Pipeline(runner = false)",
                  "public interface Shout {",
                  "  @Stage",
                  "  default String shout(String s) { return s + \"!\"; }",
                  "}"));
      assertThat(c).succeededWithoutWarnings();
      assertThat(c)
          .generatedSourceFile("demo.ShoutGraph")
          .contentsAsUtf8String()
          .contains("public ShoutGraph(Shout target)");
    }

    @Test
    void anAbstractClassCannotBeCreatedByTheRunner() {
      oneError(
          source(
              "Base",
              "@Pipeline(name = \"base\")",
              "public abstract class Base {",
              "  @Stage",
              "  int add(int x) { return x; }",
              "}"),
          "but Base is abstract; add a public no-argument constructor, make the stage methods"
              + " static, or set @Pipeline(runner = false)",
          "@Pipeline(name = \"base\")");
    }

    @Test
    void aCycleInAClassThatAsksForTheSerialLayoutIsAnError() {
      oneError(
          source(
              "Loop",
              "@Pipeline(layout = Layout.SERIAL)",
              "public class Loop {",
              "  @Stage",
              "  @Edge(to = \"a\")",
              "  int start(int x) { return x; }",
              "  @Stage",
              "  @Edge(to = \"b\")",
              "  int a(int x) { return x; }",
              "  @Stage(kind = StageKind.SPLITTER)",
              "  @Edge(to = \"a\")",
              "  List<Integer> b(int x) { return x > 0 ? List.of(x - 1) : List.of(); }",
              "}"),
          "graph 'Loop' has a cycle (a -> b -> a), so it cannot use the SERIAL layout, which runs"
              + " stages one at a time in topological order; use Layout.STREAMING",
          "@Pipeline(layout = Layout.SERIAL)");
    }

    @Test
    void aSelfLoopIsACycleToo() {
      oneError(
          source(
              "Loop",
              "@Pipeline(layout = Layout.SERIAL)",
              "public class Loop {",
              "  @Stage",
              "  @Edge(to = \"down\")",
              "  int start(int x) { return x; }",
              "  @Stage(kind = StageKind.SPLITTER)",
              "  @Edge(to = \"down\")",
              "  List<Integer> down(int x) { return x > 0 ? List.of(x - 1) : List.of(); }",
              "}"),
          "graph 'Loop' has a cycle (down -> down)",
          "@Pipeline(layout = Layout.SERIAL)");
    }

    @Test
    void aPrivateNestedClassIsAnError() {
      oneError(
          source(
              "Outer",
              "public class Outer {",
              "  private static class Inner {",
              "    @Stage",
              "    static int add(int x) { return x; }",
              "  }",
              "}"),
          "Inner (or a class enclosing it) is private, so Outer_InnerGraph in the same package"
              + " cannot use it; make it package-private or wider",
          "private static class Inner");
    }

    @Test
    void aGenericClassIsAnError() {
      oneError(
          source(
              "Box",
              "@Pipeline(runner = false)",
              "public class Box<T> {",
              "  @Stage",
              "  int add(int x) { return x; }",
              "}"),
          "Box is generic; the graph's wiring needs concrete types, so put the stage methods in a"
              + " class without type parameters",
          "public class Box<T>");
    }

    @Test
    void aBlankGraphNameIsAnError() {
      oneError(
          source(
              "Blank",
              "@Pipeline(name = \"  \")",
              "public class Blank {",
              "  @Stage",
              "  int add(int x) { return x; }",
              "}"),
          "the graph name must not be blank; leave name out to use the class's name",
          "@Pipeline(name = \"  \")");
    }

    @Test
    void aPipelineWithoutStagesIsAnError() {
      oneError(
          source("Empty", "@Pipeline", "public class Empty {}"),
          "@Pipeline class Empty has no @Stage method",
          "@Pipeline");
    }

    @Test
    void aGraphWithoutEntryStageIsAWarning() {
      JavaFileObject file =
          source(
              "Ring",
              "public class Ring {",
              "  @Stage(kind = StageKind.SPLITTER)",
              "  @Edge(to = \"b\")",
              "  List<Integer> a(int x) { return List.of(); }",
              "  @Stage",
              "  @Edge(to = \"a\")",
              "  int b(int x) { return x; }",
              "}");
      Compilation c =
          com.google.testing.compile.Compiler.javac()
              .withProcessors(new StageProcessor())
              .compile(file);
      assertThat(c).succeeded();
      assertThat(c)
          .hadWarningContaining(
              "every stage of Ring has an upstream stage, so RingGraph has no typed input")
          .inFile(file)
          .onLineContaining("public class Ring");
    }
  }

  /** PROCESS stages run in worker JVMs: what a worker must create, and what must travel. */
  @Nested
  class ProcessStages {
    @Test
    void aCompletionStageCannotCrossAProcessBoundary() {
      oneError(
          source(
              "Fetch",
              "public class Fetch {",
              "  @Stage(mode = ExecutionMode.PROCESS)",
              "  static CompletableFuture<String> fetch(String url) { return null; }",
              "}"),
          "PROCESS stage 'fetch' returns java.util.concurrent.CompletableFuture<java.lang.String>,"
              + " but a CompletionStage cannot cross a process boundary (a worker JVM sends back"
              + " values, not futures); return the value itself, or use mode ="
              + " ExecutionMode.ASYNC to wait for it in this JVM",
          "mode = ExecutionMode.PROCESS");
    }

    @Test
    void anInstanceMethodNeedsANoArgumentConstructorBecauseEachWorkerCreatesItsOwnInstance() {
      oneError(
          source(
              "Seeded",
              "public class Seeded {",
              "  private final int seed;",
              "  public Seeded(int seed) { this.seed = seed; }",
              "  @Stage(mode = ExecutionMode.PROCESS, workers = 2)",
              "  int add(int x) { return x + seed; }",
              "}"),
          "PROCESS stage 'add' calls the instance method add(int) in worker JVMs, where each"
              + " worker creates a Seeded of its own (the instance the graph is built with cannot"
              + " cross into another JVM), but Seeded has no accessible no-argument constructor;"
              + " add one (package-private is enough), or make add static",
          "int add(int x)");
    }

    @Test
    void aClassNoWorkerCanCreateNeedsStaticStageMethods() {
      oneError(
          source(
              "Base",
              "public abstract class Base {",
              "  @Stage(mode = ExecutionMode.PROCESS)",
              "  int add(int x) { return x; }",
              "}"),
          "each worker creates a Base of its own (the instance the graph is built with cannot"
              + " cross into another JVM), but Base is abstract; make add static",
          "int add(int x)");
    }

    @Test
    void aStaticMethodNeedsNoInstanceAndTheGraphTakesNoneForProcessStages() {
      JavaFileObject file =
          source(
              "Seeded",
              "public class Seeded {",
              "  public Seeded(int seed) {}",
              "  @Stage(mode = ExecutionMode.PROCESS)",
              "  static int add(int x) { return x; }",
              "}");
      Compilation c = compile(file);
      assertThat(c).succeededWithoutWarnings();
      // Neither the graph nor its runner needs a Seeded: the stage is static.
      assertThat(c)
          .generatedSourceFile("demo.SeededGraph")
          .contentsAsUtf8String()
          .contains("public SeededGraph() {");
    }

    @Test
    void anInterfaceParameterCannotBeDecodedInAWorker() {
      oneError(
          source(
              "Shapes",
              "public class Shapes {",
              "  interface Shape { double area(); }",
              "  @Stage(mode = ExecutionMode.PROCESS)",
              "  static double area(",
              "      Shape shape) { return shape.area(); }",
              "}"),
          "PROCESS stage 'area' cannot send parameter 'shape' to its worker JVMs as JSON (type"
              + " demo.Shapes.Shape): demo.Shapes.Shape is an interface and Gson has no adapter"
              + " that knows which class to create; use a concrete type, or register a"
              + " TypeAdapter in a GsonCodecFactory subclass and name it with @Stage(codecs ="
              + " ...)",
          "Shape shape)");
    }

    @Test
    void anObjectResultDoesNotSayWhatToDecodeInto() {
      oneError(
          source(
              "Parse",
              "public class Parse {",
              "  @Stage(mode = ExecutionMode.PROCESS)",
              "  static Object parse(String s) { return s; }",
              "}"),
          "PROCESS stage 'parse' cannot send its result back from its worker JVMs as JSON (type"
              + " java.lang.Object): java.lang.Object does not say which class to decode into"
              + " (Gson would produce maps, lists, doubles and strings); use the exact type",
          "static Object parse");
    }

    @Test
    void aRawTypeWouldComeBackAsMapsListsAndDoubles() {
      oneError(
          source(
              "Sum",
              "public class Sum {",
              "  @SuppressWarnings(\"rawtypes\")",
              "  @Stage(mode = ExecutionMode.PROCESS)",
              "  static int sum(",
              "      List numbers) { return numbers.size(); }",
              "}"),
          "PROCESS stage 'sum' cannot send parameter 'numbers' to its worker JVMs as JSON (type"
              + " java.util.List): java.util.List is a raw type, so Gson would decode what it"
              + " holds as Object (maps, lists, doubles and strings); give its type arguments",
          "List numbers)");
    }

    @Test
    void typeArgumentsAreCheckedToo() {
      oneError(
          source(
              "Config",
              "public class Config {",
              "  @Stage(mode = ExecutionMode.PROCESS)",
              "  static int size(",
              "      Map<String, Object> settings) { return settings.size(); }",
              "}"),
          "PROCESS stage 'size' cannot send parameter 'settings' to its worker JVMs as JSON"
              + " (type java.util.Map<java.lang.String,java.lang.Object>): java.lang.Object does"
              + " not say which class to decode into",
          "Map<String, Object> settings)");
    }

    @Test
    void anUnboundedWildcardDoesNotSayWhatToDecodeInto() {
      oneError(
          source(
              "Count",
              "public class Count {",
              "  @Stage(mode = ExecutionMode.PROCESS)",
              "  static int count(",
              "      Set<?> items) { return items.size(); }",
              "}"),
          "(type java.util.Set<?>): the wildcard ? does not say which class to decode into",
          "Set<?> items)");
    }

    @Test
    void aCollectionInterfaceGsonCannotCreateIsAnError() {
      oneError(
          source(
              "Drain",
              "public class Drain {",
              "  @Stage(mode = ExecutionMode.PROCESS)",
              "  static int drain(",
              "      BlockingQueue<String> queue) { return queue.size(); }",
              "}"),
          "java.util.concurrent.BlockingQueue is an interface that Gson cannot create: for a"
              + " collection it creates ArrayList, LinkedHashSet, TreeSet, ArrayDeque, and none"
              + " of them is one; use one of their types (List, Set, SortedSet, Deque) or a"
              + " concrete class",
          "BlockingQueue<String> queue)");
    }

    @Test
    void theItemsOfASplitterAreChecked() {
      oneError(
          source(
              "Split",
              "public class Split {",
              "  @Stage(kind = StageKind.SPLITTER, mode = ExecutionMode.PROCESS)",
              "  static List<CharSequence> split(String s) { return List.of(s); }",
              "}"),
          "PROCESS stage 'split' cannot send its outputs (each item it returns) back from its"
              + " worker JVMs as JSON (type java.lang.CharSequence): java.lang.CharSequence is an"
              + " interface",
          "static List<CharSequence> split");
    }

    @Test
    void typesTheDefaultCodecCarriesAreFine() {
      JavaFileObject file =
          source(
              "Fine",
              "public class Fine {",
              "  public record Point(int x, int y) {}",
              "  public enum Color { RED, GREEN }",
              "  @Stage(mode = ExecutionMode.PROCESS)",
              "  @Edge(to = \"more\")",
              "  static Map<String, List<Point>> group(int n, long[] ids, Color color,",
              "      Set<Double> weights, SortedMap<String, Deque<Integer>> queues,",
              "      EnumSet<Color> colors, Number number, String... names) {",
              "    return Map.of();",
              "  }",
              "  @Stage(kind = StageKind.SPLITTER, mode = ExecutionMode.PROCESS)",
              "  static Stream<? extends Point> more(Map<String, List<Point>> groups) {",
              "    return Stream.of();",
              "  }",
              "  @Stage(kind = StageKind.SPLITTER, mode = ExecutionMode.PROCESS)",
              "  static Set<? extends Point> unique(List<Point> points) { return Set.of(); }",
              "  @Stage(kind = StageKind.ROUTER, mode = ExecutionMode.PROCESS)",
              "  static Routed<? extends Number> route(int n) { return Routed.drop(n); }",
              "}");
      // Compiled with -Xlint:all -Werror: the casts of wildcard results are checked and quiet.
      assertThat(compile(file)).succeededWithoutWarnings();
    }

    @Test
    void codecsOfYourOwnAreTrustedWithTypesTheProcessorCannotJudge() {
      JavaFileObject file =
          source(
              "Shapes",
              "public class Shapes {",
              "  public interface Shape { double area(); }",
              "  public static final class ShapeCodecs extends io.celestialflow.codec.GsonCodecFactory {}",
              "  @Stage(mode = ExecutionMode.PROCESS, codecs = ShapeCodecs.class)",
              "  static double area(Shape shape) { return shape.area(); }",
              "}");
      Compilation c = compile(file);
      assertThat(c).succeededWithoutWarnings();
      assertThat(c)
          .generatedSourceFile("demo.ShapesGraph")
          .contentsAsUtf8String()
          .contains(".codecs(Shapes.ShapeCodecs.class)");
    }

    @Test
    void aCodecFactoryWorkersCannotCreateIsAnError() {
      oneError(
          source(
              "Shapes",
              "public class Shapes {",
              "  public abstract static class Codecs extends io.celestialflow.codec.GsonCodecFactory {}",
              "  @Stage(",
              "      mode = ExecutionMode.PROCESS,",
              "      codecs = Codecs.class)",
              "  static double area(double side) { return side * side; }",
              "}"),
          "every worker JVM creates the codec factory with its no-argument constructor, but"
              + " demo.Shapes.Codecs is abstract; a worker JVM needs a concrete class",
          "codecs = Codecs.class");
    }

    @Test
    void workerSettingsOnAStageOfAnotherModeAreAnError() {
      oneError(
          source(
              "Pool",
              "public class Pool {",
              "  @Stage(",
              "      mode = ExecutionMode.THREAD,",
              "      heap = \"256m\")",
              "  static int add(int x) { return x; }",
              "}"),
          "heap configures the worker JVMs of a PROCESS stage, but 'add' runs in mode THREAD;"
              + " set mode = ExecutionMode.PROCESS or remove heap",
          "heap = \"256m\"");
    }

    @Test
    void aHeapSizeTheJvmWouldRefuseIsAnError() {
      oneError(
          source(
              "Pool",
              "public class Pool {",
              "  @Stage(",
              "      mode = ExecutionMode.PROCESS,",
              "      heap = \"256 MB\")",
              "  static int add(int x) { return x; }",
              "}"),
          "heap size '256 MB' is not a JVM size such as 512m or 2g",
          "heap = \"256 MB\"");
    }

    @Test
    void aHeartbeatTimeoutBelow100MillisecondsIsAnError() {
      oneError(
          source(
              "Pool",
              "public class Pool {",
              "  @Stage(",
              "      mode = ExecutionMode.PROCESS,",
              "      heartbeatTimeoutMillis = 50)",
              "  static int add(int x) { return x; }",
              "}"),
          "heartbeatTimeoutMillis must be at least 100 (or 0 for the default, 10 s), was 50",
          "heartbeatTimeoutMillis = 50");
    }

    @Test
    void aJvmArgumentTheEngineSetsIsAnErrorOnThatArgument() {
      oneError(
          source(
              "Pool",
              "public class Pool {",
              "  @Stage(",
              "      mode = ExecutionMode.PROCESS,",
              "      jvmArgs = {",
              "        \"-XX:+UseSerialGC\",",
              "        \"-Xmx1g\"",
              "      })",
              "  static int add(int x) { return x; }",
              "}"),
          "JVM argument '-Xmx1g' is set by the engine; use heap = \"...\"",
          "\"-Xmx1g\"");
    }

    @Test
    void aJvmArgumentThatIsNoOptionIsAnError() {
      oneError(
          source(
              "Pool",
              "public class Pool {",
              "  @Stage(mode = ExecutionMode.PROCESS, jvmArgs = \"Xss1m\")",
              "  static int add(int x) { return x; }",
              "}"),
          "JVM argument 'Xss1m' is not a JVM option (-X..., -D...)",
          "jvmArgs = \"Xss1m\"");
    }
  }
}
