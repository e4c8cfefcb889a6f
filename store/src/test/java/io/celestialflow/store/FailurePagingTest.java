package io.celestialflow.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failure pages by stage, exception type, time window and text, read through the block counts
 * ({@link FailureBlocks}), hold exactly the failures a filter over every failure finds, newest
 * first, whether walked by offset or by cursor: with two runs whose failures share blocks, a stage
 * that fails once in a few blocks, exception types with subtypes, and blocks written over several
 * transactions. A store made by a build that indexed the failures table instead is counted into
 * blocks when opened, and pages the same.
 */
@Timeout(120)
class FailurePagingTest {
  private static final List<String> STAGES = List.of("fetch", "parse", "store");
  private static final String RARE = "audit";
  private static final List<List<String>> TYPES =
      List.of(
          List.of("java.io.FileNotFoundException", "java.io.IOException", "java.lang.Exception"),
          List.of("java.io.IOException", "java.lang.Exception"),
          List.of("java.lang.IllegalStateException", "java.lang.RuntimeException"),
          List.of("java.lang.NumberFormatException", "java.lang.RuntimeException"));
  private static final String[] WORDS = {"timeout", "refused", "malformed", "denied"};
  private static final int N = 9000;
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  /** A failure as written: its id is its position in {@link #written} plus one. */
  private record Written(String run, String stage, List<String> types, String message, long at) {}

  @TempDir Path dir;

  private final List<Written> written = new ArrayList<>();

  @BeforeEach
  void load() {
    Random random = new Random(11);
    try (StoreBenchAccess access = new StoreBenchAccess(dir)) {
      access.startRun("a");
      access.startRun("b");
      access.flush("a");
      for (int i = 0; i < N; i++) {
        // Runs alternate in stretches, so that most blocks hold failures of both.
        String run = (i / 300) % 3 == 2 ? "b" : "a";
        String stage = i % 2500 == 17 ? RARE : STAGES.get(random.nextInt(STAGES.size()));
        List<String> types = TYPES.get(random.nextInt(TYPES.size()));
        String message = WORDS[random.nextInt(WORDS.length)] + " at " + i;
        // Times mostly increase with ids, with some out of order, as threads report them.
        // A few far later, so that old blocks hold failures of a late window too.
        long at =
            START.toEpochMilli()
                + (i % 1000 == 500 ? 20_000_000L : i * 1000L + (i % 7 == 0 ? -20_000 : 0));
        written.add(new Written(run, stage, types, message, at));
        access.failure(
            run,
            StoreBenchAccess.failure(
                stage,
                i,
                types,
                message,
                types.get(0) + ": " + message + "\n\tat a.B.c(B.java:1)",
                Instant.ofEpochMilli(at)));
        if (i % 1500 == 1499) {
          access.flush(run); // a transaction ends within a block, the next one adds to it
        }
      }
      access.flush("a");
      access.flush("b");
    }
  }

  private static FailureQuery q() {
    return FailureQuery.all().limit(FailureQuery.MAX_LIMIT);
  }

  /** Each query beside the filter that says which failures it is for. */
  private record Case(String name, FailureQuery query, Predicate<Written> filter) {}

  private List<Case> cases() {
    long from = START.toEpochMilli() + 2000 * 1000L;
    long to = START.toEpochMilli() + 2600 * 1000L;
    long late = START.toEpochMilli() + 10_000_000L;
    Predicate<Written> window = w -> w.at() >= from && w.at() < to;
    return List.of(
        new Case("all", q(), w -> true),
        new Case("stage", q().stage("parse"), w -> w.stage().equals("parse")),
        new Case("rare stage", q().stage(RARE), w -> w.stage().equals(RARE)),
        new Case("no such stage", q().stage("nope"), w -> false),
        new Case(
            "type with subtypes",
            q().type("java.io.IOException"),
            w -> w.types().contains("java.io.IOException")),
        new Case(
            "leaf type",
            q().type("java.lang.NumberFormatException"),
            w -> w.types().get(0).equals("java.lang.NumberFormatException")),
        new Case("no such type", q().type("java.lang.Error"), w -> false),
        new Case(
            "stage and type",
            q().stage("store").type("java.lang.RuntimeException"),
            w -> w.stage().equals("store") && w.types().contains("java.lang.RuntimeException")),
        new Case(
            "time window",
            q().between(Instant.ofEpochMilli(from), Instant.ofEpochMilli(to)),
            window),
        new Case("from only", q().between(Instant.ofEpochMilli(to), null), w -> w.at() >= to),
        new Case(
            "stage and time window",
            q().stage("fetch").between(Instant.ofEpochMilli(from), Instant.ofEpochMilli(to)),
            window.and(w -> w.stage().equals("fetch"))),
        new Case(
            "stage and text",
            q().stage("parse").text("refused"),
            w -> w.stage().equals("parse") && w.message().contains("refused")),
        new Case(
            "type and rare text",
            q().type("java.io.IOException").text("at 4321"),
            w -> w.types().contains("java.io.IOException") && w.message().contains("at 4321")),
        new Case("rare text", q().text("at 777"), w -> w.message().contains("at 777")));
  }

  /** The ids of run {@code run}'s failures that pass {@code filter}, newest first. */
  private List<Long> expected(String run, Predicate<Written> filter) {
    List<Long> ids = new ArrayList<>();
    for (int i = written.size() - 1; i >= 0; i--) {
      Written w = written.get(i);
      if (w.run().equals(run) && filter.test(w)) {
        ids.add((long) i + 1);
      }
    }
    return ids;
  }

  private static List<Long> ids(FailurePage page) {
    return page.failures().stream().map(FailureRecord::id).toList();
  }

  /** Every page of the query, walked by offset and by cursor, in pages of {@code size}. */
  private static void assertPages(
      RunStore store, String run, Case c, List<Long> expected, int size) {
    List<Long> byOffset = new ArrayList<>();
    List<Long> byCursor = new ArrayList<>();
    FailurePage page = null;
    for (int offset = 0; ; offset += size) {
      page = store.failures(run, c.query().offset(offset).limit(size));
      byOffset.addAll(ids(page));
      assertThat(page.hasMore())
          .as("%s, offset %d", c.name(), offset)
          .isEqualTo(byOffset.size() < expected.size());
      if (!page.hasMore()) {
        break;
      }
    }
    page = store.failures(run, c.query().limit(size));
    byCursor.addAll(ids(page));
    while (page.hasMore()) {
      page = store.failures(run, c.query().limit(size).before(page.nextCursor()));
      byCursor.addAll(ids(page));
    }
    assertThat(byOffset).as("%s by offset, pages of %d", c.name(), size).isEqualTo(expected);
    assertThat(byCursor).as("%s by cursor, pages of %d", c.name(), size).isEqualTo(expected);
  }

  private void assertEveryCase(RunStore store) {
    for (String run : List.of("a", "b")) {
      for (Case c : cases()) {
        List<Long> expected = expected(run, c.filter());
        assertThat(ids(store.failures(run, c.query())))
            .as("%s of run %s", c.name(), run)
            .isEqualTo(expected);
        // A few pages that end within blocks and across them, and deep offsets.
        for (int size : new int[] {97, 1000}) {
          assertPages(store, run, c, expected, size);
        }
      }
    }
  }

  @Test
  void pagesHoldWhatAFilterOverEveryFailureFinds() {
    assertThat(expected("a", w -> w.stage().equals(RARE))).hasSizeBetween(2, 4);
    try (RunStore store = RunStore.open(dir)) {
      assertEveryCase(store);
      // The page that starts where an offset lands inside a counted block.
      List<Long> parse = expected("a", w -> w.stage().equals("parse"));
      assertThat(ids(store.failures("a", q().stage("parse").offset(1234).limit(5))))
          .isEqualTo(parse.subList(1234, 1239));
      // An offset from a cursor inside a block: the block's count is not the count below the
      // cursor.
      long cursor = parse.get(100) + 1;
      for (int offset : new int[] {0, 3, 700, 1500}) {
        List<Long> below = parse.stream().filter(id -> id < cursor).toList();
        assertThat(ids(store.failures("a", q().stage("parse").before(cursor).offset(offset))))
            .as("offset %d below %d", offset, cursor)
            .isEqualTo(below.subList(offset, below.size()));
      }
    }
  }

  @Test
  void aBlockCountIsExactOnlyWhenItIsTheNumberOfFailuresTheQueryFindsInIt() throws Exception {
    try (Connection c = connect()) {
      for (String run : List.of("a", "b")) {
        long key = runKey(c, run);
        for (Case k : cases()) {
          FailureQuery q = k.query();
          if (q.text() != null || (q.stage() == null && q.type() == null && q.from() == null)) {
            continue; // not read through the block counts
          }
          long[] types = q.type() == null ? null : FailureQueries.typeIds(c, q.type());
          List<FailureBlocks.Range> ranges =
              FailureBlocks.ranges(
                  c,
                  key,
                  q.stage(),
                  types,
                  q.from() == null ? null : q.from().toEpochMilli(),
                  q.to() == null ? null : q.to().toEpochMilli());
          List<Long> expected = expected(run, k.filter());
          int exact = 0;
          for (FailureBlocks.Range r : ranges) {
            long in = expected.stream().filter(id -> id >= r.low() && id <= r.high()).count();
            if (r.exact()) {
              exact++;
              assertThat(r.count()).as("%s of run %s in %s", k.name(), run, r).isEqualTo(in);
            }
          }
          assertThat(expected)
              .as("%s of run %s: every failure in a range", k.name(), run)
              .allMatch(id -> ranges.stream().anyMatch(r -> id >= r.low() && id <= r.high()));
          if (!expected.isEmpty() && q.from() == null) {
            assertThat(exact).as("%s of run %s: exact blocks", k.name(), run).isPositive();
          }
        }
      }
    }
  }

  private static long runKey(Connection c, String run) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT key FROM runs WHERE id = '" + run + "'")) {
      r.next();
      return r.getLong(1);
    }
  }

  @Test
  void theFailuresTableHasNoIndexAndEachBlockCountsItsFailures() throws Exception {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      try (ResultSet r =
          s.executeQuery(
              "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'failures'")) {
        r.next();
        assertThat(r.getInt(1)).isZero();
      }
      try (ResultSet r =
          s.executeQuery("SELECT sum(count), count(DISTINCT block) FROM failure_blocks")) {
        r.next();
        assertThat(r.getLong(1)).isEqualTo(N);
        assertThat(r.getLong(2)).isEqualTo((N >> TextBlocks.SHIFT) + 1);
      }
    }
  }

  @Test
  void aStoreThatIndexedItsFailuresIsCountedIntoBlocksWhenOpened() throws Exception {
    // As a build before the blocks left it: the two indexes, no block counts.
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.executeUpdate("DELETE FROM failure_blocks");
      s.executeUpdate("CREATE INDEX failures_stage ON failures(run, stage)");
      s.executeUpdate("CREATE INDEX failures_type ON failures(run, type)");
    }
    try (RunStore store = RunStore.open(dir)) {
      assertEveryCase(store);
    }
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'failures'")) {
      r.next();
      assertThat(r.getInt(1)).as("the old indexes are dropped").isZero();
    }
    // Opening again counts nothing twice.
    try (RunStore store = RunStore.open(dir)) {
      assertThat(ids(store.failures("b", q().stage("parse"))))
          .isEqualTo(expected("b", w -> w.stage().equals("parse")));
    }
  }

  private Connection connect() throws Exception {
    return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(StoreFile.FILE_NAME));
  }
}
