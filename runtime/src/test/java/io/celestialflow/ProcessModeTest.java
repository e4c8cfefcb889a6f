package io.celestialflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.celestialflow.ProcessStages.Point;
import io.celestialflow.ProcessStages.Segment;
import io.celestialflow.codec.CodecException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ExecutionMode#PROCESS} with real worker JVMs: values, failures of every kind, crashes,
 * hangs, timeouts, cancellation, and that no worker process outlives its run.
 */
@Timeout(60)
class ProcessModeTest {

  private Set<Path> progressFilesBefore = Set.of();

  @BeforeEach
  void rememberProgressFiles() throws IOException {
    progressFilesBefore = progressFiles();
  }

  @AfterEach
  void noWorkerProcessOrFileLeft() throws IOException {
    assertThat(liveChildren()).as("child processes still alive after the test").isEmpty();
    Set<Path> left = new HashSet<>(progressFiles());
    left.removeAll(progressFilesBefore);
    assertThat(left).as("progress files left in the temporary directory").isEmpty();
  }

  private static Set<Path> progressFiles() throws IOException {
    try (var files =
        Files.newDirectoryStream(
            Path.of(System.getProperty("java.io.tmpdir")),
            "celestialflow-worker-" + ProcessHandle.current().pid() + "-*.progress")) {
      Set<Path> out = new HashSet<>();
      files.forEach(out::add);
      return out;
    }
  }

  static List<ProcessHandle> liveChildren() {
    return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
  }

  private static List<Integer> ints(int from, int toExclusive) {
    return IntStream.range(from, toExclusive).boxed().toList();
  }

  // ------------------------------------------------------------------ values

  @Test
  void cpuBoundStageComputesTheSameValuesAsALocalLoop() {
    TaskStage<Long, Integer> steps =
        TaskStage.process("steps", ProcessStages.CollatzSteps.class)
            .execution(Execution.processes(2))
            .build();
    List<Long> inputs = LongStream.rangeClosed(1, 3000).boxed().toList();
    try (TaskGraph graph = TaskGraph.builder("process-cpu").stage(steps).build()) {
      GraphResult result = graph.run(steps, inputs);

      assertThat(result.isCompleted()).isTrue();
      assertThat(result.outputs(steps))
          .containsExactlyInAnyOrderElementsOf(
              inputs.stream().map(ProcessStages.CollatzSteps::collatz).toList());
      assertThat(result.stats(steps).mode()).isEqualTo(ExecutionMode.PROCESS);
      assertThat(result.failures()).isEmpty();
      Checks.accounted(result);
    }
    Checks.noThreadsLeft("process-cpu");
  }

  @Test
  void recordsListsAndMapsTravelWithTheirExactTypes() {
    TaskStage<Segment, ProcessStages.Measured> measure =
        TaskStage.process("measure", ProcessStages.Measure.class)
            .execution(Execution.processes(2))
            .build();
    TaskStage<List<Point>, Map<String, List<Integer>>> quadrants =
        TaskStage.process("quadrants", ProcessStages.Quadrants.class).build();
    List<Segment> segments = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      segments.add(new Segment("s" + i, new Point(0, 0), new Point(3 * i, 4 * i)));
    }
    try (TaskGraph graph =
        TaskGraph.builder("process-records").stages(measure, quadrants).build()) {
      GraphResult result =
          graph
              .newRun()
              .input(measure, segments)
              .input(
                  quadrants, List.of(List.of(new Point(1, 2), new Point(-1, 5), new Point(3, -3))))
              .run();

      assertThat(result.outputs(measure)).hasSize(200);
      for (ProcessStages.Measured m : result.outputs(measure)) {
        int i = Integer.parseInt(m.name().substring(1));
        assertThat(m.length()).isEqualTo(5.0 * i);
        assertThat(m.ends()).containsExactly(new Point(0, 0), new Point(3 * i, 4 * i));
      }
      assertThat(result.outputs(quadrants))
          .containsExactly(Map.of("EN", List.of(2), "WN", List.of(-5), "ES", List.of(-9)));
      Checks.accounted(result);
    }
  }

  @Test
  void manySmallTasksStreamThroughInBatchesBetweenOtherModes() {
    TaskStage<Integer, Integer> before =
        TaskStage.map("before", (Integer x) -> x * 3).execution(Execution.threads(2)).build();
    TaskStage<Integer, Integer> inc =
        TaskStage.process("inc", ProcessStages.Inc.class).execution(Execution.processes(2)).build();
    TaskStage<Integer, Long> after = TaskStage.map("after", (Integer x) -> (long) x).build();
    try (TaskGraph graph =
        TaskGraph.builder("process-small")
            .stages(before, inc, after)
            .edge(before, inc)
            .edge(inc, after)
            .build()) {
      GraphResult result = graph.run(before, ints(0, 50_000));

      assertThat(result.outputs(after))
          .containsExactlyInAnyOrderElementsOf(
              IntStream.range(0, 50_000).mapToObj(i -> 3L * i + 1).toList());
      Checks.accounted(result);
    }
  }

  @Test
  void splittersRoutersAndConsumersRunInWorkersToo(@TempDir Path dir) throws IOException {
    Path sink = dir.resolve("sink.txt");
    TaskStage<String, String> words =
        TaskStage.processSplitter("words", ProcessStages.Words.class)
            .execution(Execution.processes(2))
            .build();
    TaskStage<String, Void> write =
        TaskStage.processConsumer("write", ProcessStages.AppendLine.class)
            .systemProperty("test.sink", sink.toString())
            .build();
    TaskStage<Integer, Integer> parity =
        TaskStage.processRouter("parity", ProcessStages.Parity.class)
            .execution(Execution.processes(2))
            .build();
    TaskStage<Integer, Integer> even = TaskStage.map("even", (Integer x) -> x).build();
    TaskStage<Integer, Integer> odd = TaskStage.map("odd", (Integer x) -> -x).build();
    try (TaskGraph graph =
        TaskGraph.builder("process-kinds")
            .stages(words, write, parity, even, odd)
            .edge(words, write)
            .edge(parity, even)
            .edge(parity, odd)
            .build()) {
      GraphResult result =
          graph
              .newRun()
              .input(words, List.of("a b c", "d e"))
              .input(parity, ints(0, 10))
              .collect(words)
              .run();

      assertThat(result.outputs(words)).containsExactlyInAnyOrder("a", "b", "c", "d", "e");
      assertThat(Files.readAllLines(sink)).containsExactlyInAnyOrder("a", "b", "c", "d", "e");
      assertThat(result.outputs(even)).containsExactlyInAnyOrder(0, 2, 4, 6, 8);
      assertThat(result.outputs(odd)).containsExactlyInAnyOrder(-1, -3, -5, -7, -9);
      assertThat(result.stats(write).succeeded()).isEqualTo(5);
      Checks.accounted(result);
    }
  }

  @Test
  void dedupeAndRetryWorkAsInEveryMode() {
    TaskStage<Integer, Integer> stage =
        TaskStage.process("failodd", ProcessStages.FailOdd.class)
            .execution(Execution.processes(2))
            .dedupe()
            .retry(RetryPolicy.on(IOException.class).maxAttempts(2).backoff(Duration.ZERO))
            .build();
    List<Integer> inputs = new ArrayList<>(ints(0, 20));
    inputs.addAll(ints(0, 10)); // 10 duplicates
    try (TaskGraph graph = TaskGraph.builder("process-policy").stage(stage).build()) {
      GraphResult result = graph.run(stage, inputs);

      StageStats stats = result.stats(stage);
      assertThat(stats.duplicates()).isEqualTo(10);
      assertThat(stats.succeeded()).isEqualTo(10);
      assertThat(stats.failed()).isEqualTo(10);
      assertThat(stats.retries()).isEqualTo(10);
      assertThat(result.failures())
          .allSatisfy(f -> {
            assertThat(f.exceptionType()).isEqualTo(IOException.class.getName());
            assertThat(f.message()).startsWith("odd ");
            assertThat(f.attempts()).isEqualTo(2);
            assertThat(f.stackTrace()).contains("FailOdd.apply");
          });
      Checks.accounted(result);
    }
  }

  @Test
  void anExceptionThatCannotBeSerialisedArrivesAsAStandIn() {
    TaskStage<Integer, Integer> stage =
        TaskStage.process("unser", ProcessStages.ThrowUnserialisable.class).build();
    try (TaskGraph graph = TaskGraph.builder("process-unser-exc").stage(stage).build()) {
      GraphResult result = graph.run(stage, List.of(1));

      TaskFailure f = result.failures().getFirst();
      assertThat(f.isA(RemoteTaskException.class)).isTrue();
      assertThat(f.message())
          .isEqualTo(ProcessStages.Unserialisable.class.getName() + ": cannot travel 1");
      assertThat(f.stackTrace()).contains("ThrowUnserialisable.apply");
      Checks.accounted(result);
    }
  }

  // ------------------------------------------------------------------ dying workers

  @Test
  void aWorkerThatCallsSystemExitFailsOnlyItsTaskAndIsReplaced() {
    TaskStage<Integer, Integer> stage =
        TaskStage.process("exit13", ProcessStages.ExitOn13.class)
            .execution(Execution.processes(2))
            .build();
    try (TaskGraph graph = TaskGraph.builder("process-exit").stage(stage).build()) {
      GraphResult result = graph.run(stage, ints(0, 40));

      assertThat(result.isCompleted()).isTrue();
      assertThat(result.outputs(stage))
          .containsExactlyInAnyOrderElementsOf(
              ints(0, 40).stream().filter(x -> x != 13).map(x -> 2 * x).toList());
      assertThat(result.stats(stage).succeeded()).isEqualTo(39);
      assertThat(result.stats(stage).failed()).isEqualTo(1);
      TaskFailure f = result.failures().getFirst();
      assertThat(f.task()).isEqualTo(13);
      assertThat(f.isA(WorkerCrashedException.class)).isTrue();
      assertThat(f.message()).contains("stage 'exit13'").contains("exited with status 3");
      Checks.accounted(result);
    }
    Checks.noThreadsLeft("process-exit");
  }

  @Test
  void aCrashIsRetriedLikeAnyFailure(@TempDir Path dir) {
    TaskStage<Integer, Integer> stage =
        TaskStage.process("once13", ProcessStages.ExitOnceOn13.class)
            .execution(Execution.processes(2))
            .systemProperty("test.marker", dir.resolve("marker").toString())
            .retry(RetryPolicy.on(WorkerCrashedException.class).maxAttempts(2))
            .build();
    try (TaskGraph graph = TaskGraph.builder("process-crash-retry").stage(stage).build()) {
      GraphResult result = graph.run(stage, ints(0, 40));

      assertThat(result.outputs(stage))
          .containsExactlyInAnyOrderElementsOf(ints(0, 40).stream().map(x -> 2 * x).toList());
      assertThat(result.stats(stage).retries()).isEqualTo(1);
      assertThat(result.failures()).isEmpty();
      Checks.accounted(result);
    }
  }

  @Test
  void aWorkerOutOfMemoryDiesAloneAndTheDrivingJvmCarriesOn() {
    TaskStage<Integer, Integer> stage =
        TaskStage.process("hog", ProcessStages.HogOn3.class)
            .execution(Execution.processes(2))
            .heap("64m")
            .build();
    try (TaskGraph graph = TaskGraph.builder("process-oom").stage(stage).build()) {
      GraphResult result = graph.run(stage, ints(0, 10));

      assertThat(result.outputs(stage))
          .containsExactlyInAnyOrderElementsOf(ints(0, 10).stream().filter(x -> x != 3).toList());
      TaskFailure f = result.failures().getFirst();
      assertThat(f.task()).isEqualTo(3);
      assertThat(f.isA(WorkerCrashedException.class)).isTrue();
      assertThat(f.message()).contains("OutOfMemoryError");
      Checks.accounted(result);
    }
  }

  @Test
  void aWorkerKilledFromOutsideMidRunLosesNothing() throws Exception {
    int tasks = 400;
    TaskStage<Integer, long[]> stage =
        TaskStage.process("slowpid", ProcessStages.SlowPid.class)
            .execution(Execution.processes(2))
            .retry(RetryPolicy.on(WorkerCrashedException.class).maxAttempts(3))
            .build();
    CountDownLatch someDone = new CountDownLatch(10);
    Set<Long> pids = ConcurrentHashMap.newKeySet();
    try (TaskGraph graph = TaskGraph.builder("process-kill9").stage(stage).build();
        GraphRun run =
            graph
                .newRun()
                .input(stage, ints(0, tasks))
                .onOutput(
                    stage,
                    r -> {
                      pids.add(r[1]);
                      someDone.countDown();
                    })
                .start()) {
      someDone.await();
      List<ProcessHandle> first = workers();
      Set<Long> firstPids = new HashSet<>();
      first.forEach(p -> firstPids.add(p.pid()));
      ProcessHandle victim = first.getFirst();
      assertThat(victim.destroyForcibly()).isTrue(); // SIGKILL, like kill -9
      GraphResult result = run.await();

      assertThat(result.isCompleted()).isTrue();
      assertThat(result.outputs(stage).stream().map(r -> (int) r[0]))
          .containsExactlyInAnyOrderElementsOf(ints(0, tasks));
      assertThat(result.failures()).isEmpty();
      // Enough tasks (15 ms each) that a replacement started on a loaded machine still gets some.
      assertThat(pids).as("a replacement worker ran tasks").anyMatch(p -> !firstPids.contains(p));
      Checks.accounted(result);
    }
  }

  @Test
  void aHungWorkerIsKilledAfterItsHeartbeatTimeout() {
    TaskStage<Integer, Integer> stage =
        TaskStage.process("freeze", ProcessStages.FreezeOn7.class)
            .execution(Execution.processes(2))
            // Long enough that a healthy worker starved of CPU on a loaded machine is not killed.
            .heartbeatTimeout(Duration.ofMillis(1500))
            .build();
    try (TaskGraph graph = TaskGraph.builder("process-hung").stage(stage).build()) {
      GraphResult result = graph.run(stage, ints(0, 20));

      assertThat(result.outputs(stage))
          .containsExactlyInAnyOrderElementsOf(
              ints(0, 20).stream().filter(x -> x != 7).map(x -> x + 1).toList());
      TaskFailure f = result.failures().getFirst();
      assertThat(f.task()).isEqualTo(7);
      assertThat(f.isA(WorkerCrashedException.class)).isTrue();
      assertThat(f.message()).contains("heartbeat");
      Checks.accounted(result);
    }
  }

  @Test
  void aTaskPastTheStageTimeoutKillsItsWorkerAndFailsAlone() {
    TaskStage<Integer, Integer> stage =
        TaskStage.process("hang5", ProcessStages.HangOn5.class)
            .execution(Execution.processes(2))
            .timeout(Duration.ofSeconds(1))
            .build();
    try (TaskGraph graph = TaskGraph.builder("process-timeout").stage(stage).build()) {
      GraphResult result = graph.run(stage, ints(0, 12));

      assertThat(result.outputs(stage))
          .containsExactlyInAnyOrderElementsOf(ints(0, 12).stream().filter(x -> x != 5).toList());
      TaskFailure f = result.failures().getFirst();
      assertThat(f.task()).isEqualTo(5);
      assertThat(f.isA(TimeoutException.class)).isTrue();
      assertThat(f.message()).contains("stage 'hang5'").contains("was killed");
      Checks.accounted(result);
    }
  }

  @Test
  void aStageWhoseWorkersCannotStartFailsItsTasksWithTheReasonAndEnds() {
    TaskStage<Integer, Integer> stage =
        TaskStage.process("broken", ProcessStages.BrokenConstructor.class)
            .execution(Execution.processes(2))
            .workerOutput(WorkerOutput.discard())
            .build();
    try (TaskGraph graph = TaskGraph.builder("process-broken").stage(stage).build()) {
      GraphResult result = graph.run(stage, ints(0, 5));

      assertThat(result.stats(stage).failed()).isEqualTo(5);
      assertThat(result.failures())
          .allSatisfy(f -> {
            assertThat(f.isA(WorkerCrashedException.class)).isTrue();
            assertThat(f.message())
                .contains("cannot start its worker processes")
                .contains("no database here");
          });
      Checks.accounted(result);
    }
  }

  @Test
  void transientStartFailuresDoNotBreakTheStage(@TempDir Path dir) {
    TaskStage<Integer, Integer> stage =
        TaskStage.process("flaky", ProcessStages.FlakyStart.class)
            .execution(Execution.processes(2))
            .systemProperty("test.dir", dir.toString())
            .workerOutput(WorkerOutput.discard())
            .build();
    try (TaskGraph graph = TaskGraph.builder("process-flaky-start").stage(stage).build()) {
      GraphResult result = graph.run(stage, ints(0, 30));

      assertThat(result.outputs(stage))
          .containsExactlyInAnyOrderElementsOf(ints(0, 30).stream().map(x -> -x).toList());
      assertThat(result.failures()).isEmpty();
      assertThat(dir.resolve("failed-start-2")).exists();
      Checks.accounted(result);
    }
  }

  @Test
  void aBadJvmOptionIsReportedWithTheJvmsOwnWords() {
    TaskStage<Integer, Integer> stage =
        TaskStage.process("badopt", ProcessStages.Inc.class)
            .jvmArgs("-XX:+NoSuchOptionAnywhere")
            .workerOutput(WorkerOutput.discard())
            .build();
    try (TaskGraph graph = TaskGraph.builder("process-badopt").stage(stage).build()) {
      GraphResult result = graph.run(stage, ints(0, 3));

      assertThat(result.failures()).hasSize(3);
      assertThat(result.failures().getFirst().message()).contains("NoSuchOptionAnywhere");
      Checks.accounted(result);
    }
  }

  // ------------------------------------------------------------------ serialisation

  @Test
  void aResultThatCannotBeSerialisedFailsThatTaskWithStageTypeAndReason() {
    TaskStage<Integer, Double> inverse =
        TaskStage.process("inverse", ProcessStages.Inverse.class).build();
    TaskStage<Integer, List<Object>> cyclic =
        TaskStage.process("cyclic", ProcessStages.Cyclic.class).build();
    TaskStage<Double, Double> half = TaskStage.process("half", ProcessStages.Half.class).build();
    try (TaskGraph graph =
        TaskGraph.builder("process-unser").stages(inverse, cyclic, half).build()) {
      GraphResult result =
          graph
              .newRun()
              .input(inverse, ints(0, 5))
              .input(cyclic, ints(0, 6))
              .input(half, List.of(1.0, Double.NaN, 3.0))
              .run();

      assertThat(result.outputs(inverse)).containsExactlyInAnyOrder(1.0, 0.5, 1.0 / 3, 0.25);
      TaskFailure inf = result.failures("inverse").getFirst();
      assertThat(inf.task()).isEqualTo(0);
      assertThat(inf.isA(CodecException.class)).isTrue();
      assertThat(inf.message())
          .contains("stage 'inverse'")
          .contains("send a result")
          .contains("java.lang.Double")
          .contains("Infinity");

      assertThat(result.outputs(cyclic)).hasSize(5);
      assertThat(result.failures("cyclic").getFirst().message())
          .contains("stage 'cyclic'")
          .contains("java.util.List<java.lang.Object>")
          .contains("cycle");

      assertThat(result.outputs(half)).containsExactlyInAnyOrder(0.5, 1.5);
      TaskFailure nan = result.failures("half").getFirst();
      assertThat(nan.message())
          .contains("stage 'half'")
          .contains("send a task")
          .contains("java.lang.Double")
          .contains("NaN");
      Checks.accounted(result);
    }
  }

  @Test
  void typesThatCannotCrossAProcessBoundaryAreRefusedWhenTheStageIsBuilt() {
    assertThatThrownBy(() -> TaskStage.process("obj", ProcessStages.ObjectEcho.class).build())
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessageContaining("stage 'obj'")
        .hasMessageContaining("java.lang.Object")
        .hasMessageContaining("which class to decode into");
    assertThatThrownBy(() -> TaskStage.process("shape", ProcessStages.ShapeName.class).build())
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessageContaining("stage 'shape'")
        .hasMessageContaining(ProcessStages.Shape.class.getName())
        .hasMessageContaining("interface");
    @SuppressWarnings("unchecked")
    Class<ProcessStages.Identity<String>> identity =
        (Class<ProcessStages.Identity<String>>) (Class<?>) ProcessStages.Identity.class;
    assertThatThrownBy(() -> TaskStage.process("id", identity).build())
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessageContaining("stage 'id'")
        .hasMessageContaining("type variable T");
    TaskFunction<Integer, Integer> lambda = x -> x;
    @SuppressWarnings("unchecked")
    Class<TaskFunction<Integer, Integer>> lambdaClass =
        (Class<TaskFunction<Integer, Integer>>) lambda.getClass();
    assertThatThrownBy(() -> TaskStage.process("lambda", lambdaClass).build())
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessageContaining("lambda");
  }

  @Test
  void genericTypesAreResolvedThroughSuperclasses() {
    TaskStage<String, String> twice =
        TaskStage.processSplitter("twice", ProcessStages.StringDoubler.class).build();
    try (TaskGraph graph = TaskGraph.builder("process-generic").stage(twice).build()) {
      GraphResult result = graph.run(twice, List.of("x", "y"));
      assertThat(result.outputs(twice)).containsExactlyInAnyOrder("x", "x", "y", "y");
    }
  }

  // ------------------------------------------------------------------ output, stop, orphans

  @Test
  void workerOutputIsCapturedLineByLineWithStageAndWorker() {
    List<String> lines = new CopyOnWriteArrayList<>();
    TaskStage<Integer, Integer> chatty =
        TaskStage.process("chatty", ProcessStages.Chatty.class)
            .workerOutput((stage, worker, error, line) ->
                lines.add(stage + "#" + worker + (error ? " ERR " : " OUT ") + line))
            .build();
    try (TaskGraph graph = TaskGraph.builder("process-output").stage(chatty).build()) {
      GraphResult result = graph.run(chatty, ints(0, 3));
      assertThat(result.outputs(chatty)).containsExactlyInAnyOrder(0, 1, 2);
    }
    // The graph is closed, so both output threads have read everything.
    assertThat(lines)
        .contains(
            "chatty#0 OUT out 0", "chatty#0 OUT out 2", "chatty#0 ERR err 1", "chatty#0 ERR err 2");
  }

  @Test
  void standardStreamsPrefixesEachLine() {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    java.io.PrintStream saved = System.err;
    System.setErr(new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      WorkerOutput.standardStreams().line("parse", 3, true, "oops");
    } finally {
      System.setErr(saved);
    }
    assertThat(bytes.toString(java.nio.charset.StandardCharsets.UTF_8).strip())
        .isEqualTo("[parse#3] oops");
  }

  @Test
  void cancellingARunRecordsEveryHeldTaskAndStopsEveryWorker() throws Exception {
    TaskStage<Integer, Integer> slow =
        TaskStage.process("slow", ProcessStages.Slow.class)
            .execution(Execution.processes(2))
            .build();
    CountDownLatch started = new CountDownLatch(4);
    try (TaskGraph graph = TaskGraph.builder("process-cancel").stage(slow).build()) {
      GraphRun run =
          graph.newRun().input(slow, ints(0, 400)).onOutput(slow, x -> started.countDown()).start();
      started.await();
      assertThat(workers()).hasSize(2);
      run.cancel();
      GraphResult result = run.await();

      assertThat(result.state()).isEqualTo(RunState.CANCELLED);
      StageStats stats = result.stats(slow);
      long read = result.inputs().getFirst().read();
      assertThat(stats.received()).isEqualTo(read);
      assertThat(stats.unfinished()).isPositive();
      assertThat(result.unfinished("slow").size() + stats.succeeded()).isEqualTo(read);
      Checks.accounted(result);
      run.close();
    }
    Checks.noThreadsLeft("process-cancel");
  }

  @Test
  void workersExitWhenTheDrivingJvmIsKilled() throws Exception {
    Process parent =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                OrphanParent.class.getName())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      String line =
          new java.io.BufferedReader(
                  new java.io.InputStreamReader(
                      parent.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))
              .readLine();
      assertThat(line).isEqualTo("RUNNING");
      List<ProcessHandle> orphans = parent.descendants().filter(p -> isWorker(p)).toList();
      assertThat(orphans).hasSize(2);
      parent.destroyForcibly(); // SIGKILL: no shutdown hook, no close()
      parent.waitFor();
      for (ProcessHandle orphan : orphans) {
        orphan.onExit().get(); // each notices and exits on its own (the test timeout bounds it)
      }
    } finally {
      parent.destroyForcibly();
      parent.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** A driving JVM for {@link #workersExitWhenTheDrivingJvmIsKilled}: runs slow tasks forever. */
  static final class OrphanParent {
    public static void main(String[] args) throws InterruptedException {
      TaskStage<Integer, Integer> slow =
          TaskStage.process("slow", ProcessStages.Slow.class)
              .execution(Execution.processes(2))
              .build();
      TaskGraph graph = TaskGraph.builder("orphans").stage(slow).build();
      CountDownLatch running = new CountDownLatch(2);
      GraphRun run =
          graph
              .newRun()
              .input(slow, IntStream.range(0, 1_000_000).boxed().toList())
              .discardOutputs()
              .onOutput(slow, x -> running.countDown())
              .start();
      running.await();
      System.out.println("RUNNING");
      System.out.flush();
      run.await();
    }
  }

  private static boolean isWorker(ProcessHandle p) {
    return p.info()
        .commandLine()
        .map(c -> c.contains(io.celestialflow.process.ProcessWorkerMain.class.getName()))
        .orElse(false);
  }

  private static List<ProcessHandle> workers() {
    return ProcessHandle.current().descendants().filter(ProcessModeTest::isWorker).toList();
  }

  // ------------------------------------------------------------------ definitions

  @Test
  void processSettingsAreCheckedAtOnce() {
    assertThatThrownBy(() -> TaskStage.map("m", (Integer x) -> x).heap("1g"))
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessageContaining("applies only to PROCESS stages");
    assertThatThrownBy(() -> TaskStage.map("m", (Integer x) -> x).execution(Execution.processes(2)))
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessageContaining("worker processes need a class");
    assertThatThrownBy(
            () -> TaskStage.process("p", ProcessStages.Inc.class).execution(Execution.threads(2)))
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessageContaining("so its execution is Execution.processes(n), not THREAD x2");
    assertThatThrownBy(() -> TaskStage.process("p", ProcessStages.Inc.class).heap("lots"))
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessageContaining("not a JVM size");
    assertThatThrownBy(() -> TaskStage.process("p", ProcessStages.Inc.class).jvmArgs("-cp"))
        .isInstanceOf(GraphDefinitionException.class)
        .hasMessageContaining("set by the engine");
    assertThatThrownBy(
            () -> TaskStage.process("p", ProcessStages.Inc.class).heartbeatTimeout(Duration.ZERO))
        .isInstanceOf(GraphDefinitionException.class);
    TaskStage<Integer, Integer> ok =
        TaskStage.process("p", ProcessStages.Inc.class)
            .execution(Execution.processes(3))
            .heap("128m")
            .systemProperty("a", "b")
            .jvmArgs("-XX:+UseSerialGC")
            .heartbeatTimeout(Duration.ofSeconds(2))
            .build();
    assertThat(ok.mode()).isEqualTo(ExecutionMode.PROCESS);
    assertThat(ok.describe()).isEqualTo("p (MAP, PROCESS x3)");
  }

  @Test
  void aRunWithNoTasksStartsAndStopsItsWorkersCleanly() {
    TaskStage<Integer, Integer> inc =
        TaskStage.process("inc", ProcessStages.Inc.class).execution(Execution.processes(2)).build();
    try (TaskGraph graph = TaskGraph.builder("process-empty").stage(inc).build()) {
      GraphResult result = graph.run(inc, List.of());
      assertThat(result.isCompleted()).isTrue();
      assertThat(new HashSet<>(result.outputs(inc))).isEmpty();
      Checks.accounted(result);
    }
  }
}
