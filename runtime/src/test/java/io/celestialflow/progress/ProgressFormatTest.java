package io.celestialflow.progress;

import static org.assertj.core.api.Assertions.assertThat;

import io.celestialflow.ExecutionMode;
import io.celestialflow.StageStats;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ProgressFormatTest {
  private static StageStats stats(
      String name, long received, long succeeded, long failed, long dups, boolean finished) {
    long open = received - succeeded - failed - dups;
    return new StageStats(
        name,
        ExecutionMode.THREAD,
        received,
        succeeded,
        failed,
        dups,
        0,
        open,
        0,
        0,
        0,
        succeeded,
        finished,
        Duration.ofSeconds(2),
        (succeeded + failed + dups) / 2.0);
  }

  @Test
  void piecesAreCompact() {
    assertThat(ProgressFormat.bar(5, 10, 10)).isEqualTo("[#####.....]");
    assertThat(ProgressFormat.bar(0, 0, 4)).isEqualTo("[....]");
    assertThat(ProgressFormat.count(1_234_567)).isEqualTo("1,234,567");
    assertThat(ProgressFormat.rate(950)).isEqualTo("950/s");
    assertThat(ProgressFormat.rate(12_345)).isEqualTo("12.3k/s");
    assertThat(ProgressFormat.rate(4_500_000)).isEqualTo("4.50M/s");
    assertThat(ProgressFormat.seconds(65)).isEqualTo("1:05");
    assertThat(ProgressFormat.seconds(3725)).isEqualTo("1:02:05");
    assertThat(ProgressFormat.seconds(Double.POSITIVE_INFINITY)).isEqualTo("--:--");
  }

  @Test
  void aStageLineSaysDoneOverReceivedRateEtaFailuresAndDuplicates() {
    ProgressFormat format = new ProgressFormat();
    List<String> lines =
        format.stageLines(
            List.of(
                stats("download", 1000, 400, 80, 20, false), stats("index", 400, 400, 0, 0, true)),
            1_000_000_000L,
            100);

    // 500 of 1,000 done at 250/s: 500 left, 2 s.
    assertThat(lines.get(0))
        .isEqualTo(
            "download [##########..........]   500/1,000     250/s  ETA 0:02      fail 80  dup 20");
    assertThat(lines.get(1))
        .isEqualTo(
            "index    [####################]   400/400       200/s  done 0:02     fail 0  dup 0");
  }

  @Test
  void theRateFollowsRecentSnapshots() {
    ProgressFormat format = new ProgressFormat();
    format.stageLines(List.of(stats("s", 100, 10, 0, 0, false)), 0, 100); // 5/s on average
    // One second later 1,010 were done: 1,000/s over the last second, smoothed with the 5/s.
    String line =
        format.stageLines(List.of(stats("s", 2000, 1010, 0, 0, false)), 1_000_000_000L, 100).get(0);
    assertThat(line).contains(" 403/s ");
  }

  @Test
  void narrowTerminalsDropTheBarAndNeverWrap() {
    ProgressFormat format = new ProgressFormat();
    List<String> lines =
        format.stageLines(
            List.of(stats("a-very-long-stage-name-indeed", 10, 5, 0, 0, false)), 0, 40);
    assertThat(lines.get(0)).hasSizeLessThanOrEqualTo(39).startsWith("a-very-long-stage-na ");
    assertThat(lines.get(0)).doesNotContain("[");
  }

  @Test
  void theSummaryLineListsEveryStageAndOnlyNonZeroFailures() {
    String line =
        new ProgressFormat()
            .summaryLine(
                "etl 0:05",
                List.of(stats("parse", 10, 6, 2, 0, false), stats("store", 6, 6, 0, 0, true)),
                0);
    assertThat(line)
        .isEqualTo("etl 0:05: parse 8/10 (4/s, ETA 0:01, 2 failed) | store 6/6 (3/s, done 0:02)");
  }
}
