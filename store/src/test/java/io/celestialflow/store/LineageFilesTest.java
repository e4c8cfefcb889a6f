package io.celestialflow.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.celestialflow.spi.TaskOutcome;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lineage files: every event stored once whatever the threads, a killed run's log traced
 * without its index, damaged files refused with a clear error, an old store's lineage table
 * ignored.
 */
@Timeout(120)
class LineageFilesTest {
  @TempDir Path dir;

  private static final List<String> STAGES = List.of("a", "b");

  /** A run "r" of {@code n} events: task i's parent is i / 2, at stage a (odd) or b (even). */
  private static void record(RunStore store, int n, boolean end) {
    record(store, n, end, Integer.MAX_VALUE);
  }

  /** The same, handing the events over in blocks of {@code perBlock} (the last maybe fewer). */
  private static void record(RunStore store, int n, boolean end, int perBlock) {
    StoreWriter w = store.writerForTests();
    w.put(new Entry.RunStart("r", "g", "{}", "{}", null, "run", 0));
    LineageBuffers b = new LineageBuffers("r", STAGES, w::offer);
    for (int i = 1; i <= n; i++) {
      b.add(i, i / 2, i % 2 == 1 ? "a" : "b", TaskOutcome.SUCCEEDED, 1, i);
      if (i % perBlock == 0) {
        b.drain();
      }
    }
    if (end) {
      LineageTest.end(w, b, "r");
    } else {
      b.drain();
      w.flush("r", java.time.Duration.ofSeconds(10));
    }
  }

  @Test
  void manyEventsFromSeveralThreadsAreStoredExactlyOnce() throws Exception {
    int threads = 8;
    int each = 25_000; // 200,000 events: every stripe's buffer fills several times
    try (RunStore store = RunStore.open(dir)) {
      StoreWriter w = store.writerForTests();
      w.put(new Entry.RunStart("r", "g", "{}", "{}", null, "run", 0));
      LineageBuffers b = new LineageBuffers("r", STAGES, w::offer);
      List<Thread> started = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int first = t * each + 1;
        Runnable add =
            () -> {
              for (int i = first; i < first + each; i++) {
                assertThat(b.add(i, i / 2, "b", TaskOutcome.SUCCEEDED, 1, i)).isZero();
              }
            };
        started.add(t % 2 == 0 ? Thread.ofPlatform().start(add) : Thread.ofVirtual().start(add));
      }
      for (Thread t : started) {
        t.join();
      }
      LineageTest.end(w, b, "r");
      int n = threads * each;
      Path idx = LineageFiles.index(store.directory(), "r");
      assertThat(Files.exists(idx)).as("the run itself builds no index").isFalse();
      assertThat(store.trace("r", 7).found()).isTrue(); // the first trace builds and writes it
      LineageIndex index = LineageIndex.read(idx);
      LineageIndex scanned =
          LineageIndex.build(LineageLog.open(LineageFiles.log(store.directory(), "r")));
      for (LineageIndex i : List.of(index, scanned)) {
        assertThat(events(i)).isEqualTo(n);
        assertThat(i.maxId()).isEqualTo(n);
        for (int task = 1; task <= n; task++) {
          assertThat(i.eventsTo(task) - i.eventsFrom(task)).as("events of %d", task).isOne();
        }
      }
      index.close();
      Trace t = store.trace("r", 100_000);
      assertThat(t.ancestors())
          .extracting(LineageEvent::taskId)
          .containsExactly(
              1L, 3L, 6L, 12L, 24L, 48L, 97L, 195L, 390L, 781L, 1562L, 3125L, 6250L, 12500L, 25000L,
              50000L);
      assertThat(t.descendants()).extracting(LineageEvent::taskId).containsExactly(200_000L);
      Trace root = store.trace("r", 1);
      assertThat(root.truncated()).isTrue();
      assertThat(root.descendants()).hasSize(RunStore.TRACE_LIMIT);
    }
  }

  /**
   * With a queue that drops, the blocks the writer did not take are counted and their buffers
   * reused: each event is stored at most once, intact, and stored plus dropped is every event.
   */
  @Test
  void droppedBlocksAreCountedAndTheirBuffersReused() throws Exception {
    int threads = 4;
    int each = 50_000;
    StoreOptions dropping =
        StoreOptions.defaults().withQueueCapacity(1).withOverflow(StoreOptions.Overflow.DROP);
    try (RunStore store = RunStore.open(dir, dropping)) {
      StoreWriter w = store.writerForTests();
      w.put(new Entry.RunStart("r", "g", "{}", "{}", null, "run", 0));
      LineageBuffers b = new LineageBuffers("r", STAGES, w::offer);
      java.util.concurrent.atomic.AtomicLong dropped = new java.util.concurrent.atomic.AtomicLong();
      List<Thread> started = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int first = t * each + 1;
        started.add(
            Thread.ofPlatform()
                .start(() -> {
                  for (int i = first; i < first + each; i++) {
                    dropped.addAndGet(b.add(i, i / 2, "a", TaskOutcome.SUCCEEDED, 1, i));
                  }
                }));
      }
      for (Thread t : started) {
        t.join();
      }
      dropped.addAndGet(b.drain());
      w.put(new Entry.LineageEnd("r"));
      w.flush("r", java.time.Duration.ofSeconds(10));
      try (LineageLog log = LineageLog.open(LineageFiles.log(store.directory(), "r"))) {
        LineageIndex index = LineageIndex.build(log); // checks every record
        assertThat(events(index) + dropped.get()).isEqualTo((long) threads * each);
        for (int task = 1; task <= index.maxId(); task++) {
          assertThat(index.eventsTo(task) - index.eventsFrom(task))
              .as("events of %d", task)
              .isLessThanOrEqualTo(1);
        }
      }
    }
  }

  @Test
  void aRunKilledMidwayLeavesATraceableLog() throws Exception {
    Path store = dir.resolve("store");
    try (ChildJvm child = ChildJvm.start(dir, "lineage", store.toString())) {
      BufferedReader lines = child.stdout();
      assertThat(lines.readLine()).as("stderr:\n%s", child.err()).isEqualTo("started");
      Path lineage = store.resolve(LineageFiles.DIRECTORY);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (logBytes(lineage) < 2_000_000 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      child.process.destroyForcibly(); // SIGKILL, mid-run
      child.process.waitFor();
    }
    try (RunStore s = RunStore.open(store)) {
      String run = s.latestRun("lineage-child").orElseThrow();
      assertThat(Files.exists(LineageFiles.index(s.directory(), run))).isFalse();
      long last = LineageTrace.lastTask(s.directory(), run);
      assertThat(last).isGreaterThan(10_000);
      int traced = 0;
      for (long task = last / 2; traced < 20; task++) {
        Trace t = s.trace(run, task);
        if (!t.found()) {
          continue; // an id whose events were still in the engine's buffers
        }
        traced++;
        if (t.task().get(0).stage().equals("sink")) {
          assertThat(t.ancestors()).allSatisfy(e -> assertThat(e.stage()).isEqualTo("split"));
          assertThat(t.ancestors()).hasSizeLessThanOrEqualTo(1);
        } else {
          assertThat(t.task().get(0).parentId()).isZero();
        }
      }
    }
  }

  private static long logBytes(Path lineage) throws IOException {
    if (!Files.isDirectory(lineage)) {
      return 0;
    }
    try (var files = Files.list(lineage)) {
      return files.mapToLong(f -> f.toFile().length()).sum();
    }
  }

  /** A block cut short at the end of the log (killed while the writer appended it) is left out. */
  @Test
  void aTornLastBlockOfAnUnindexedLogIsLeftOut() throws Exception {
    try (RunStore store = RunStore.open(dir)) {
      record(store, 120, false, 100);
      Path log = LineageFiles.log(store.directory(), "r");
      assertThat(Files.exists(LineageFiles.index(store.directory(), "r"))).isFalse();
      cut(log, 5); // the last block (events 101 to 120) torn
      assertThat(store.trace("r", 100).found()).isTrue();
      assertThat(store.trace("r", 101).found()).isFalse();
      assertThat(store.trace("r", 120).found()).isFalse();
      assertThat(store.trace("r", 49).descendants())
          .extracting(LineageEvent::taskId)
          .containsExactly(98L, 99L);
      assertThat(store.trace("r", 50).descendants()) // 101 is lost with its block
          .extracting(LineageEvent::taskId)
          .containsExactly(100L);
    }
  }

  @Test
  void damagedFilesGiveAClearError() throws Exception {
    try (RunStore store = RunStore.open(dir)) {
      record(store, 1000, true);
      Path log = LineageFiles.log(store.directory(), "r");
      Path idx = LineageFiles.index(store.directory(), "r");
      assertThat(store.trace("r", 10).found()).isTrue(); // writes the index
      byte[] logBytes = Files.readAllBytes(log);
      byte[] idxBytes = Files.readAllBytes(idx);

      cut(idx, 4);
      assertThatThrownBy(() -> store.trace("r", 10))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining(idx.toString())
          .hasMessageContaining("damaged");
      Files.write(idx, idxBytes);

      cut(log, 64); // shorter than the index says
      assertThatThrownBy(() -> store.trace("r", 10))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining(log.toString())
          .hasMessageContaining("cut short");
      Files.write(log, logBytes);

      byte[] flipped = logBytes.clone();
      flipped[logBytes.length / 2] ^= 0x40; // in the body of the log's one block
      Files.write(log, flipped);
      Files.delete(idx); // scanned: every block checked
      assertThatThrownBy(() -> store.trace("r", 10))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining(log.toString())
          .hasMessageContaining("damaged: the block at byte ")
          .hasMessageContaining("its checksum does not match");
      Files.write(idx, idxBytes);
      assertThatThrownBy(() -> store.trace("r", 501)) // read through the index: checked too
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("its checksum does not match");

      flipped = logBytes.clone();
      flipped[firstBlock(log) + 1] ^= 0x40; // the block's size, in its header
      Files.write(log, flipped);
      assertThatThrownBy(() -> store.trace("r", 10))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining(
              "damaged: the block at byte " + firstBlock(log) + ": its header's checksum");

      Files.writeString(log, "not a lineage log at all");
      assertThatThrownBy(() -> store.trace("r", 10))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("does not begin as a lineage log");
    }
  }

  /**
   * A log of version 2 (24-byte records, the time in each), as the build before wrote them, is
   * still indexed and traced, its times read from its records.
   */
  @Test
  void aLogOfVersion2IsStillTraced() throws Exception {
    try (RunStore store = RunStore.open(dir)) {
      record(store, 3, true); // the run, in the database
      Path log = LineageFiles.log(store.directory(), "r");
      Files.deleteIfExists(LineageFiles.index(store.directory(), "r"));
      int header = 48; // magic, version, size, 2 stages "a" and "b": 29 bytes, padded to 24s
      ByteBuffer b = olderLog(2, header, 20 * LineageRecordV2.BYTES);
      for (int i = 1; i <= 20; i++) {
        assertThat(
                LineageRecordV2.put(
                    b,
                    header + (i - 1) * LineageRecordV2.BYTES,
                    i,
                    i / 2,
                    1_700_000_000_000L + i,
                    i % 2,
                    LineageEvent.Kind.SUCCEEDED.code(),
                    1))
            .isTrue();
      }
      Files.write(log, b.array());

      assertTraceOfTask3(store);
    }
  }

  /**
   * A log of version 3 (16-byte records, a time record before events of a new time), as the build
   * before wrote them, is still indexed and traced; a run does not append to it.
   */
  @Test
  void aLogOfVersion3IsStillTraced() throws Exception {
    try (RunStore store = RunStore.open(dir)) {
      record(store, 3, true); // the run, in the database
      Path log = LineageFiles.log(store.directory(), "r");
      Files.deleteIfExists(LineageFiles.index(store.directory(), "r"));
      int header = 32; // magic, version, size, 2 stages "a" and "b": 29 bytes, padded to 16s
      ByteBuffer b = olderLog(3, header, 40 * LineageRecord.BYTES);
      int at = header;
      for (int i = 1; i <= 20; i++) {
        assertThat(LineageRecord.putTime(b, at, 1_700_000_000_000L + i)).isTrue();
        at += LineageRecord.BYTES;
        assertThat(
                LineageRecord.putEvent(
                    b, at, i, i / 2, i % 2, LineageEvent.Kind.SUCCEEDED.code(), 1))
            .isTrue();
        at += LineageRecord.BYTES;
      }
      Files.write(log, b.array());

      assertTraceOfTask3(store);

      StoreWriter w = store.writerForTests();
      LineageBuffers more = new LineageBuffers("r", STAGES, w::offer);
      more.add(21, 10, "b", TaskOutcome.SUCCEEDED, 1, 21);
      more.drain();
      w.flush("r", java.time.Duration.ofSeconds(10));
      assertThat(Files.readAllBytes(log)).as("left as it was").isEqualTo(b.array());
    }
  }

  /** A run's log begun by a store that was closed goes on in the next one, its index rebuilt. */
  @Test
  void aLogBegunBeforeGoesOnAndIsIndexedWhole() throws Exception {
    try (RunStore store = RunStore.open(dir)) {
      record(store, 10, false, 8);
    }
    Path log = LineageFiles.log(dir.toAbsolutePath(), "r");
    cut(log, 3); // the block of 9 and 10 torn (as by a kill): dropped before appending
    try (RunStore store = RunStore.open(dir)) {
      StoreWriter w = store.writerForTests();
      LineageBuffers b = new LineageBuffers("r", STAGES, w::offer);
      for (int i = 11; i <= 20; i++) {
        b.add(i, i / 2, "a", TaskOutcome.SUCCEEDED, 1, i);
      }
      LineageTest.end(w, b, "r");
      assertThat(store.trace("r", 11).found()).isTrue();
      assertThat(Files.exists(LineageFiles.index(store.directory(), "r"))).isTrue();
      assertThat(store.trace("r", 8).found()).isTrue();
      assertThat(store.trace("r", 9).found()).isFalse(); // their block was the torn one
      assertThat(store.trace("r", 10).found()).isFalse();
      assertThat(store.trace("r", 4).descendants()) // from both stores
          .extracting(LineageEvent::taskId)
          .containsExactly(8L, 16L, 17L);
    }
  }

  /** The first trace writes the index; a log grown past it (the run went on) is indexed again. */
  @Test
  void theFirstTraceWritesTheIndexAndALaterOneRenewsIt() throws Exception {
    try (RunStore store = RunStore.open(dir)) {
      StoreWriter w = store.writerForTests();
      w.put(new Entry.RunStart("r", "g", "{}", "{}", null, "run", 0));
      LineageBuffers b = new LineageBuffers("r", STAGES, w::offer);
      for (int i = 1; i <= 10; i++) {
        b.add(i, i / 2, "a", TaskOutcome.SUCCEEDED, 1, i);
      }
      b.drain();
      w.flush("r", java.time.Duration.ofSeconds(10)); // still going: no index
      Path idx = LineageFiles.index(store.directory(), "r");
      assertThat(Files.exists(idx)).isFalse();
      assertThat(store.trace("r", 2).descendants())
          .extracting(LineageEvent::taskId)
          .containsExactly(4L, 5L, 8L, 9L, 10L);
      assertThat(store.trace("r", 2).descendants())
          .as("each event's time, from the time record before it (task i was recorded at i ms)")
          .allSatisfy(e -> assertThat(e.at().toEpochMilli()).isEqualTo(e.taskId()));
      assertThat(indexedEvents(idx)).isEqualTo(10);
      if (idx.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        assertThat(Files.getPosixFilePermissions(idx))
            .as("readable by whoever may read the log")
            .isEqualTo(Files.getPosixFilePermissions(LineageFiles.log(store.directory(), "r")));
      }

      for (int i = 11; i <= 12; i++) {
        b.add(i, i / 2, "b", TaskOutcome.SUCCEEDED, 1, i);
      }
      LineageTest.end(w, b, "r");
      assertThat(store.trace("r", 2).descendants())
          .extracting(LineageEvent::taskId)
          .containsExactly(4L, 5L, 8L, 9L, 10L, 11L);
      assertThat(indexedEvents(idx)).isEqualTo(12);
      try (var files = Files.list(idx.getParent())) {
        assertThat(files.map(f -> f.getFileName().toString()))
            .as("no temporary file left")
            .containsExactlyInAnyOrder("r.log", "r.idx");
      }
    }
  }

  /**
   * Traces of a run not yet indexed, at once: each gets the right answer, one whole index stays.
   */
  @Test
  void concurrentFirstTracesAreSafe() throws Exception {
    try (RunStore store = RunStore.open(dir)) {
      record(store, 50_000, true);
      List<Thread> threads = new ArrayList<>();
      java.util.Queue<Throwable> errors = new java.util.concurrent.ConcurrentLinkedQueue<>();
      for (int t = 0; t < 6; t++) {
        threads.add(
            Thread.ofPlatform()
                .start(() -> {
                  try {
                    assertThat(store.trace("r", 12_500).ancestors())
                        .extracting(LineageEvent::taskId)
                        .containsExactly(
                            1L, 3L, 6L, 12L, 24L, 48L, 97L, 195L, 390L, 781L, 1562L, 3125L, 6250L);
                  } catch (Throwable e) {
                    errors.add(e);
                  }
                }));
      }
      for (Thread t : threads) {
        t.join();
      }
      assertThat(errors).isEmpty();
      assertThat(indexedEvents(LineageFiles.index(store.directory(), "r"))).isEqualTo(50_000);
    }
  }

  /** The events an index covers (its records less the times). */
  private static long events(LineageIndex index) {
    long n = 0;
    for (int task = 1; task <= index.maxId(); task++) {
      n += index.eventsTo(task) - index.eventsFrom(task);
    }
    return n;
  }

  private static long indexedEvents(Path idx) {
    LineageIndex index = LineageIndex.read(idx);
    try {
      return events(index);
    } finally {
      index.close();
    }
  }

  @Test
  void runIdsBecomeSafeFileNames() {
    assertThat(LineageFiles.fileName("6f1c-9a_B")).isEqualTo("6f1c-9a_B");
    assertThat(LineageFiles.fileName("../a b/é")).isEqualTo("%2E%2E%2Fa%20b%2F%C3%A9");
  }

  @Test
  void aStoreWithTheOldLineageTableStillOpens() throws Exception {
    try (RunStore store = RunStore.open(dir)) {
      assertThat(store.runs(10)).isEmpty();
    }
    try (Connection c =
            DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(StoreFile.FILE_NAME));
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "CREATE TABLE lineage(run INTEGER NOT NULL, task INTEGER NOT NULL, parent INTEGER NOT"
              + " NULL, stage TEXT NOT NULL, event INTEGER NOT NULL, attempt INTEGER NOT NULL,"
              + " at INTEGER NOT NULL)");
      s.executeUpdate("INSERT INTO lineage VALUES (1, 1, 0, 'a', 1, 1, 0)");
    }
    try (RunStore store = RunStore.open(dir)) {
      record(store, 10, true);
      assertThat(store.trace("r", 5).ancestors())
          .extracting(LineageEvent::taskId)
          .containsExactly(1L, 2L);
    }
  }

  /**
   * A log of an earlier version, as its build wrote it: its header (stages "a" and "b", padded to
   * {@code header} bytes) and room for {@code records} bytes of records after it.
   */
  private static ByteBuffer olderLog(int version, int header, int records) {
    ByteBuffer b = ByteBuffer.allocate(header + records).order(ByteOrder.LITTLE_ENDIAN);
    b.put(LineageFiles.MAGIC).putInt(version).putInt(header).putInt(2);
    b.putInt(1).put((byte) 'a').putInt(1).put((byte) 'b');
    return b;
  }

  /**
   * Task 3 of a hand-written log of 20 events (task i's parent i / 2, at stage a or b by parity, at
   * 1,700,000,000,000 + i ms): its ancestors, descendants, their times and stages.
   */
  private static void assertTraceOfTask3(RunStore store) {
    Trace trace = store.trace("r", 3);
    assertThat(trace.ancestors()).extracting(LineageEvent::taskId).containsExactly(1L);
    assertThat(trace.descendants())
        .extracting(LineageEvent::taskId)
        .containsExactly(6L, 7L, 12L, 13L, 14L, 15L);
    assertThat(trace.descendants())
        .extracting(e -> e.at().toEpochMilli())
        .containsExactly(
            1_700_000_000_006L,
            1_700_000_000_007L,
            1_700_000_000_012L,
            1_700_000_000_013L,
            1_700_000_000_014L,
            1_700_000_000_015L);
    assertThat(trace.descendants())
        .extracting(LineageEvent::stage)
        .containsExactly("a", "b", "a", "b", "a", "b");
  }

  /** Where a log's first block begins: after its header, whose size the header holds. */
  private static int firstBlock(Path log) throws IOException {
    return ByteBuffer.wrap(Files.readAllBytes(log), LineageFiles.MAGIC.length + 4, 4)
        .order(ByteOrder.LITTLE_ENDIAN)
        .getInt();
  }

  /** Cuts the last {@code bytes} bytes off a file. */
  private static void cut(Path file, int bytes) throws IOException {
    try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
      c.truncate(c.size() - bytes);
    }
  }
}
