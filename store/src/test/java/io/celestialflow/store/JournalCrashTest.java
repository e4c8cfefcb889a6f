package io.celestialflow.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durable journal: a child JVM runs {@link StoreChild#journalled} over N inputs with the
 * journal on and is killed (-9) at a random moment; the run is then resumed in this JVM with the
 * same input. Across both runs every input's final output reaches the sink (nothing is lost), and
 * the outputs produced twice are at most the tasks the recovery found unfinished — the tasks the
 * journal had seen enter a stage and not settle there by its last commit (see docs/store.md).
 */
class JournalCrashTest {
  private static final int N = 200_000;

  @TempDir Path scratch;

  @Test
  @Timeout(300)
  void killedRunsResumeWithNothingLost() throws Exception {
    trials(5, 1);
  }

  @Test
  @Tag("soak")
  @Timeout(3600)
  void soak() throws Exception {
    trials(40, 2);
  }

  private void trials(int count, long seed) throws Exception {
    Random random = new Random(seed);
    int killed = 0;
    for (int t = 0; t < count; t++) {
      if (trial(scratch.resolve("t" + t), 100 + random.nextInt(1500))) {
        killed++;
      }
    }
    assertThat(killed).as("trials where the child was killed before it finished").isPositive();
  }

  /** One trial; returns whether the child was killed mid-run (rather than finishing first). */
  private static boolean trial(Path dir, int killAfterMillis) throws Exception {
    Files.createDirectories(dir);
    Path out = dir.resolve("sink.txt");
    boolean killed;
    try (ChildJvm child =
        ChildJvm.start(dir, "journal", dir.resolve("store").toString(), out.toString(), "" + N)) {
      BufferedReader lines = child.stdout();
      String line = lines.readLine();
      assertThat(line).as("first line of the child; stderr:\n%s", child.err()).isNotNull();
      Thread.sleep(killAfterMillis);
      killed = child.process.isAlive();
      child.process.destroyForcibly(); // SIGKILL
      child.process.waitFor();
    }
    int[] seen = new int[N];
    for (String s : Files.readAllLines(out)) {
      if (!s.isEmpty()) {
        seen[(Integer.parseInt(s) - 1) / 10]++;
      }
    }
    long recovered;
    ConcurrentLinkedQueue<Integer> resumed = new ConcurrentLinkedQueue<>();
    try (RunStore store = RunStore.open(dir.resolve("store"))) {
      String runId = store.latestRun("journalled").orElseThrow();
      Resumption resumption = store.resume(runId, StoreChild.journalled(resumed::add));
      recovered = store.run(runId).orElseThrow().unfinished();
      if (killed) {
        assertThat(store.run(runId).orElseThrow().state()).isIn("CANCELLED", "COMPLETED");
      }
      resumption.input("work", IntStream.range(0, N).boxed().toList()).run();
    }
    for (int x : resumed) {
      seen[(x - 1) / 10]++;
    }
    long lost = IntStream.of(seen).filter(c -> c == 0).count();
    long repeats = IntStream.of(seen).filter(c -> c > 1).mapToLong(c -> c - 1).sum();
    System.out.printf(
        "journal trial: killed %s after %d ms, %d task(s) recovered, %d output(s) repeated%n",
        killed, killAfterMillis, recovered, repeats);
    assertThat(lost).as("inputs whose output never reached the sink").isZero();
    assertThat(repeats).as("outputs produced twice").isLessThanOrEqualTo(recovered);
    return killed;
  }
}
