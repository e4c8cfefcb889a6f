package io.celestialflow.progress;

import static org.assertj.core.api.Assertions.assertThat;

import io.celestialflow.ExecutionMode;
import io.celestialflow.StageStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
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

  /**
   * The pieces are formatted by hand (a display's code is never hot enough to compile, and
   * interpreted {@code String.format} took milliseconds a frame): they read as {@code
   * String.format} would write them.
   */
  @Test
  void handFormattedPiecesReadAsStringFormatWouldWriteThem() {
    SplittableRandom random = new SplittableRandom(7);
    List<Long> counts =
        new ArrayList<>(List.of(0L, 7L, 999L, 1_000L, -1_000L, Long.MAX_VALUE, Long.MIN_VALUE));
    for (int i = 0; i < 2_000; i++) {
      counts.add(random.nextLong() >> random.nextInt(64));
    }
    for (long n : counts) {
      assertThat(ProgressFormat.count(n)).isEqualTo(String.format(Locale.ROOT, "%,d", n));
    }
    for (long sec = 0; sec < 400_000; sec += 1 + random.nextInt(97)) {
      String expected =
          sec > 359_999
              ? "--:--"
              : sec >= 3600
                  ? String.format(Locale.ROOT, "%d:%02d:%02d", sec / 3600, sec / 60 % 60, sec % 60)
                  : String.format(Locale.ROOT, "%d:%02d", sec / 60, sec % 60);
      assertThat(ProgressFormat.seconds((double) sec)).isEqualTo(expected);
    }
    for (int i = 0; i < 20_000; i++) {
      double perSecond = Math.pow(10, random.nextDouble(-1, 8));
      String rate = ProgressFormat.rate(perSecond);
      double unit = perSecond < 1_000 ? 1 : perSecond < 1_000_000 ? 1e3 : 1e6;
      int decimals = perSecond < 1_000 ? 0 : perSecond < 1_000_000 ? 1 : 2;
      String number = rate.substring(0, rate.length() - (unit == 1 ? 2 : 3));
      assertThat(number)
          .as("%s of %s", rate, perSecond)
          .matches(decimals == 0 ? "\\d+" : "\\d+\\.\\d{" + decimals + "}");
      // String.format rounds the decimal text half up; the hand version the binary value: they
      // may differ at an exact tie, never by more than the last digit
      assertThat(Double.parseDouble(number) * unit)
          .as("%s of %s", rate, perSecond)
          .isCloseTo(
              perSecond,
              org.assertj.core.data.Offset.offset(
                  0.5 * unit * Math.pow(10, -decimals) + 1e-6 * unit));
      String formatted = String.format(Locale.ROOT, "%." + decimals + "f", perSecond / unit);
      if (!formatted.equals(number)) {
        assertThat(Math.abs(Double.parseDouble(formatted) - Double.parseDouble(number)))
            .as("%s against %s", number, formatted)
            .isLessThanOrEqualTo(Math.pow(10, -decimals) * 1.000001);
      }
    }
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
