package io.celestialflow.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.celestialflow.GraphResult;
import io.celestialflow.RunState;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import io.celestialflow.structure.Topology;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Recording a run and querying what was recorded: runs, failures, traces, stats, export. */
@Timeout(30)
class RunStoreTest {
  @TempDir Path dir;

  /** 100 lines: 10 bad (parse fails), and of the 90 good ones the multiples of 7 fail in square. */
  private GraphResult recordedRun(RunStore store) {
    TaskGraph graph = TestGraphs.parseAndSquare();
    return store.newRun(graph).input("parse", TestGraphs.lines(100)).run();
  }

  // Multiples of 7 up to 100, less 70 (line 70 is bad and never reaches square).
  private static final long SQUARE_FAILURES = 13;

  @Test
  void recordsTheRunWithItsStructureCountersAndInputs() {
    try (RunStore store = RunStore.open(dir)) {
      GraphResult result = recordedRun(store);
      RunInfo run = store.run(result.runId()).orElseThrow();
      assertThat(run.graph()).isEqualTo("parse-square");
      assertThat(run.state()).isEqualTo("COMPLETED");
      assertThat(run.ended()).isTrue();
      assertThat(run.failures()).isEqualTo(10 + SQUARE_FAILURES);
      assertThat(run.unfinished()).isZero();
      assertThat(run.dropped()).isZero();
      assertThat(run.originRun()).isEmpty();
      assertThat(Topology.fromJson(run.structure()).edges())
          .extracting(Topology.Edge::from, Topology.Edge::to)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("parse", "square"));
      assertThat(run.stages())
          .extracting(RunInfo.StageCounts::stage, RunInfo.StageCounts::succeeded)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("parse", 90L),
              org.assertj.core.groups.Tuple.tuple("square", 90L - SQUARE_FAILURES));
      assertThat(run.inputs())
          .containsExactly(new RunInfo.InputPosition(0, "parse", 100, true, false));
      assertThat(store.runs(10)).extracting(RunInfo::id).containsExactly(result.runId());
      assertThat(store.latestRun("parse-square")).contains(result.runId());
      assertThat(store.problem()).isEmpty();
    }
  }

  @Test
  void countsFailuresByStageAndByType() {
    try (RunStore store = RunStore.open(dir)) {
      GraphResult result = recordedRun(store);
      FailureSummary summary = store.failureSummary(result.runId());
      assertThat(summary.total()).isEqualTo(10 + SQUARE_FAILURES);
      assertThat(summary.byStage())
          .containsExactly(
              new FailureSummary.Group("square", SQUARE_FAILURES),
              new FailureSummary.Group("parse", 10));
      assertThat(summary.byType())
          .containsExactly(
              new FailureSummary.Group(IllegalStateException.class.getName(), SQUARE_FAILURES),
              new FailureSummary.Group(TestGraphs.BadLine.class.getName(), 10));
    }
  }

  @Test
  void searchesFailuresByStageTypeSupertypeTextAndTime() {
    try (RunStore store = RunStore.open(dir)) {
      Instant before = Instant.now().minusSeconds(1);
      String id = recordedRun(store).runId();
      FailureQuery all = FailureQuery.all().limit(1000);
      assertThat(store.failures(id, all).failures()).hasSize(23);
      assertThat(store.failures(id, all.stage("parse")).failures())
          .allSatisfy(f -> assertThat(f.stage()).isEqualTo("parse"))
          .hasSize(10);
      // By a supertype: BadLine extends IllegalArgumentException.
      FailurePage iae = store.failures(id, all.type(IllegalArgumentException.class));
      assertThat(iae.failures()).hasSize(10);
      assertThat(iae.failures().get(0).exceptionTypes())
          .startsWith(TestGraphs.BadLine.class.getName(), IllegalArgumentException.class.getName())
          .endsWith(Throwable.class.getName());
      assertThat(store.failures(id, all.type(RuntimeException.class)).failures()).hasSize(23);
      assertThat(store.failures(id, all.type("java.io.IOException")).failures()).isEmpty();
      // By text, in the message or in the task's JSON; case-insensitive.
      assertThat(store.failures(id, all.text("SEVEN 14")).failures())
          .singleElement()
          .satisfies(f -> assertThat(f.task().json()).isEqualTo("14"));
      assertThat(store.failures(id, all.text("\"bad20\"")).failures())
          .singleElement()
          .satisfies(f -> assertThat(f.message()).isEqualTo("bad line 20"));
      assertThat(store.failures(id, all.text("100%_")).failures()).isEmpty();
      // By time.
      assertThat(store.failures(id, all.between(before, null)).failures()).hasSize(23);
      assertThat(store.failures(id, all.between(null, before)).failures()).isEmpty();
    }
  }

  @Test
  void pagesThroughFailuresNewestFirstWithACursorOrOffsets() {
    try (RunStore store = RunStore.open(dir)) {
      String id = recordedRun(store).runId();
      List<Long> seen = new ArrayList<>();
      FailureQuery q = FailureQuery.all().limit(5);
      FailurePage page = store.failures(id, q);
      int pages = 1;
      page.failures().forEach(f -> seen.add(f.id()));
      while (page.hasMore()) {
        page = store.failures(id, q.before(page.nextCursor()));
        page.failures().forEach(f -> seen.add(f.id()));
        pages++;
      }
      assertThat(pages).isEqualTo(5); // 23 failures, 5 a page
      assertThat(seen)
          .hasSize(23)
          .doesNotHaveDuplicates()
          .isSortedAccordingTo((a, b) -> Long.compare(b, a));
      assertThat(store.failures(id, q.offset(20)).failures())
          .extracting(FailureRecord::id)
          .containsExactlyElementsOf(seen.subList(20, 23));
    }
  }

  @Test
  void keepsTasksAsJsonAndStackTracesOnDemand() {
    try (RunStore store = RunStore.open(dir)) {
      String id = recordedRun(store).runId();
      FailureRecord bad =
          store
              .failures(id, FailureQuery.all().stage("parse").text("bad line 30"))
              .failures()
              .get(0);
      assertThat(bad.task().isJson()).isTrue();
      assertThat(JsonParser.parseString(bad.task().json()).getAsJsonObject())
          .isEqualTo(JsonParser.parseString("{\"n\":30,\"text\":\"bad30\"}"));
      assertThat(bad.task().type()).isEqualTo(TestGraphs.Line.class.getName());
      assertThat(bad.attempts()).isEqualTo(1);
      String trace = store.stackTrace(bad.id()).orElseThrow();
      assertThat(trace)
          .startsWith(TestGraphs.BadLine.class.getName() + ": bad line 30\n")
          .contains("at io.celestialflow.store.TestGraphs");
      assertThat(store.stackTrace(-1)).isEmpty();
    }
  }

  @Test
  void storesEachDistinctStackTraceBodyOnce() throws Exception {
    try (RunStore store = RunStore.open(dir)) {
      String id = recordedRun(store).runId();
      List<FailureRecord> square =
          store.failures(id, FailureQuery.all().stage("square").limit(100)).failures();
      Set<String> traces = new HashSet<>();
      for (FailureRecord f : square) {
        String t = store.stackTrace(f.id()).orElseThrow();
        assertThat(t).startsWith("java.lang.IllegalStateException: " + f.message() + "\n");
        traces.add(t.substring(t.indexOf('\n')));
      }
      assertThat(traces).hasSize(1); // every square failure is thrown from the same place
      try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + store.file());
          var r = c.createStatement().executeQuery("SELECT count(*) FROM traces")) {
        r.next();
        assertThat(r.getInt(1)).isLessThanOrEqualTo(2); // one per throwing site (parse, square)
      }
    }
  }

  @Test
  void exportsFailuresAsJsonLines() {
    try (RunStore store = RunStore.open(dir)) {
      String id = recordedRun(store).runId();
      StringWriter out = new StringWriter();
      long n = store.exportFailures(id, FailureQuery.all().stage("square"), out);
      assertThat(n).isEqualTo(SQUARE_FAILURES);
      String[] lines = out.toString().split("\n");
      assertThat(lines).hasSize((int) SQUARE_FAILURES);
      for (String line : lines) {
        JsonObject o = JsonParser.parseString(line).getAsJsonObject();
        assertThat(o.get("run").getAsString()).isEqualTo(id);
        assertThat(o.get("stage").getAsString()).isEqualTo("square");
        assertThat(o.get("task").getAsInt() % 7).isZero();
        assertThat(o.get("message").getAsString()).isEqualTo("seven " + o.get("task").getAsInt());
        assertThat(o.get("stackTrace").getAsString()).startsWith("java.lang.IllegalStateException");
        assertThat(o.get("exceptionTypes").getAsJsonArray().get(1).getAsString())
            .isEqualTo("java.lang.RuntimeException");
      }
    }
  }

  @Test
  void recordsTheFinalStatsSnapshotOfEveryStage() {
    try (RunStore store = RunStore.open(dir)) {
      String id = recordedRun(store).runId();
      List<StatsSnapshot> stats = store.stats(id, Instant.EPOCH);
      StatsSnapshot lastSquare =
          stats.stream().filter(s -> s.stage().equals("square")).reduce((a, b) -> b).orElseThrow();
      assertThat(lastSquare.received()).isEqualTo(90);
      assertThat(lastSquare.failed()).isEqualTo(SQUARE_FAILURES);
      assertThat(lastSquare.succeeded()).isEqualTo(90 - SQUARE_FAILURES);
      assertThat(lastSquare.pending()).isZero();
    }
  }

  /** A task Gson cannot write (a NaN) is recorded by toString, with a note saying why. */
  @Test
  void recordsAnUnserialisableTaskByToStringWithANote() {
    TaskStage<Double, Double> invert =
        TaskStage.<Double, Double>map(
                "invert",
                (Double d) -> {
                  throw new ArithmeticException("cannot invert " + d);
                })
            .taskType(Double.class)
            .build();
    TaskGraph graph = TaskGraph.builder("nan").stage(invert).build();
    try (RunStore store = RunStore.open(dir)) {
      GraphResult result = store.newRun(graph).input(invert, List.of(Double.NaN, 2.0)).run();
      List<FailureRecord> failures = store.failures(result.runId(), FailureQuery.all()).failures();
      assertThat(failures).hasSize(2);
      StoredTask nan =
          failures.stream()
              .map(FailureRecord::task)
              .filter(t -> !t.isJson())
              .findFirst()
              .orElseThrow();
      assertThat(nan.json()).isEqualTo("NaN");
      assertThat(nan.unserialisableNote().orElseThrow())
          .contains("not serialisable as java.lang.Double");
      StoredTask two =
          failures.stream()
              .map(FailureRecord::task)
              .filter(StoredTask::isJson)
              .findFirst()
              .orElseThrow();
      assertThat(two.json()).isEqualTo("2.0");
    }
  }

  @Test
  void aRunOfTheSameStoreIsReadByASecondStoreObject() {
    String id;
    try (RunStore store = RunStore.open(dir)) {
      id = recordedRun(store).runId();
    }
    try (RunStore again = RunStore.open(dir)) {
      assertThat(again.run(id).orElseThrow().state()).isEqualTo(RunState.COMPLETED.name());
      assertThat(again.failureSummary(id).total()).isEqualTo(10 + SQUARE_FAILURES);
    }
  }

  /** Under DROP, a full queue drops records, and the run's row counts every one it dropped. */
  @Test
  void droppedRecordsAreCountedNeverLostSilently() {
    StoreOptions tiny =
        StoreOptions.defaults().withOverflow(StoreOptions.Overflow.DROP).withQueueCapacity(1);
    try (RunStore store = RunStore.open(dir, tiny)) {
      int n = 5000;
      GraphResult result =
          store
              .newRun(StoreChild.failing("drops"))
              .input("boom", java.util.stream.IntStream.range(0, n).boxed().toList())
              .keepFailures(0)
              .run();
      RunInfo run = store.run(result.runId()).orElseThrow();
      long stored = store.failureSummary(result.runId()).total();
      assertThat(run.failures()).isEqualTo(n);
      assertThat(stored + run.dropped()).isEqualTo(n);
      assertThat(run.dropped()).isPositive(); // a queue of one cannot keep up with 5,000
    }
  }

  /** While a run goes on, its counters are snapshotted at the interval asked for. */
  @Test
  void snapshotsTheCountersWhileTheRunGoesOn() {
    java.util.Map<Integer, java.util.concurrent.atomic.AtomicInteger> seen = TestGraphs.counter();
    TaskGraph graph = TestGraphs.slowThenSink(2, seen, -1, () -> {});
    try (RunStore store = RunStore.open(dir)) {
      GraphResult result =
          store
              .newRun(
                  graph,
                  RecordOptions.defaults().withStatsInterval(java.time.Duration.ofMillis(20)))
              .input("slow", java.util.stream.IntStream.range(0, 200).boxed().toList())
              .run();
      List<StatsSnapshot> sink =
          store.stats(result.runId(), Instant.EPOCH).stream()
              .filter(s -> s.stage().equals("sink"))
              .toList();
      // At least 200 ms of work (200 sleeps of 2 ms on 2 threads), a snapshot every 20 ms: at
      // least one snapshot during the run, whatever the machine's load, and the final one.
      assertThat(sink.size()).isGreaterThanOrEqualTo(2);
      assertThat(sink).extracting(StatsSnapshot::succeeded).isSorted();
      assertThat(sink.get(sink.size() - 1).succeeded()).isEqualTo(200);
    }
  }

  @Test
  void anUnknownRunIsAClearError() {
    try (RunStore store = RunStore.open(dir)) {
      assertThat(store.run("nope")).isEmpty();
      assertThatThrownBy(() -> store.failures("nope", FailureQuery.all()))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("has no run 'nope'")
          .hasMessageContaining(store.file().toString());
    }
  }
}
