package io.celestialflow.progress;

import io.celestialflow.StageStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns status snapshots into text: a line per stage for the terminal, one summary line otherwise.
 * Keeps each stage's recent rate between snapshots, so it is used by one thread only (the display
 * thread of one run).
 *
 * <p>A stage line reads {@code name [#####.....] done/received rate ETA fail dup}: {@code done}
 * counts tasks that reached an outcome (succeeded, failed or duplicate), {@code received} the tasks
 * that arrived so far, the rate is the recent one (smoothed over the last snapshots), and the ETA
 * is the time the stage needs for the tasks it has received and not finished, at that rate — it
 * grows while more tasks arrive, as the original's bars did.
 */
final class ProgressFormat {
  /** Weight of the newest interval in the smoothed rate. */
  private static final double SMOOTHING = 0.4;

  private static final int MAX_BAR = 20;
  private static final int MIN_BAR = 5;
  private static final int MAX_NAME = 20;

  private final Map<String, Rate> rates = new HashMap<>();

  /** The recent completion rate of one stage. */
  private static final class Rate {
    long completed;
    long nanos;
    double perSecond = Double.NaN;

    double update(StageStats s, long now) {
      if (Double.isNaN(perSecond)) {
        perSecond = s.ratePerSecond();
      } else if (now > nanos) {
        double instant = (s.completed() - completed) * 1e9 / (now - nanos);
        perSecond = perSecond * (1 - SMOOTHING) + instant * SMOOTHING;
      }
      completed = s.completed();
      nanos = now;
      return perSecond;
    }
  }

  /** What one stage shows. */
  private record Figures(
      String name, long done, long received, String rate, String eta, long failed, long dups) {}

  private Figures figures(StageStats s, long now) {
    double rate = rates.computeIfAbsent(s.stage(), k -> new Rate()).update(s, now);
    String eta;
    if (s.finished()) {
      rate = s.ratePerSecond();
      eta = "done " + duration(s.elapsed());
    } else {
      long open = Math.max(0, s.received() - s.completed());
      eta = open == 0 ? "ETA 0:00" : rate > 0 ? "ETA " + seconds(open / rate) : "ETA --:--";
    }
    return new Figures(
        s.stage(), s.completed(), s.received(), rate(rate), eta, s.failed(), s.duplicates());
  }

  /**
   * One line per stage, each at most {@code width - 1} characters (so that no line wraps and the
   * cursor can move back over them).
   */
  List<String> stageLines(List<StageStats> stages, long now, int width) {
    List<Figures> all = new ArrayList<>();
    int nameWidth = 1;
    int countWidth = 1;
    for (StageStats s : stages) {
      Figures f = figures(s, now);
      all.add(f);
      nameWidth = Math.max(nameWidth, Math.min(MAX_NAME, f.name().length()));
      countWidth = Math.max(countWidth, count(f.received()).length());
    }
    List<String> lines = new ArrayList<>(all.size());
    for (Figures f : all) {
      String name = clip(f.name(), nameWidth);
      String tail =
          String.format(
              Locale.ROOT,
              "%" + countWidth + "s/%-" + countWidth + "s %9s  %-13s fail %s  dup %s",
              count(f.done()),
              count(f.received()),
              f.rate(),
              f.eta(),
              count(f.failed()),
              count(f.dups()));
      int room = width - 1 - nameWidth - tail.length() - 4;
      String bar =
          room >= MIN_BAR ? " " + bar(f.done(), f.received(), Math.min(MAX_BAR, room)) + " " : " ";
      String line = String.format(Locale.ROOT, "%-" + nameWidth + "s", name) + bar + tail;
      lines.add(clip(line.stripTrailing(), Math.max(1, width - 1)));
    }
    return lines;
  }

  /** One line for logs and pipes: {@code graph 5s: stage done/received (rate, ETA, ...) | ...}. */
  String summaryLine(String head, List<StageStats> stages, long now) {
    StringBuilder s = new StringBuilder(head).append(':');
    String sep = " ";
    for (StageStats st : stages) {
      Figures f = figures(st, now);
      s.append(sep)
          .append(f.name())
          .append(' ')
          .append(count(f.done()))
          .append('/')
          .append(count(f.received()))
          .append(" (")
          .append(f.rate())
          .append(", ")
          .append(f.eta());
      if (f.failed() > 0) {
        s.append(", ").append(count(f.failed())).append(" failed");
      }
      if (f.dups() > 0) {
        s.append(", ").append(count(f.dups())).append(" duplicate");
      }
      s.append(')');
      sep = " | ";
    }
    return s.toString();
  }

  // ---------------------------------------------------------------- pieces

  static String bar(long done, long total, int width) {
    int filled = total <= 0 ? 0 : (int) Math.min(width, done * width / total);
    return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
  }

  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  static String rate(double perSecond) {
    if (Double.isNaN(perSecond) || perSecond < 0) {
      return "--/s";
    }
    if (perSecond < 1_000) {
      return String.format(Locale.ROOT, "%.0f/s", perSecond);
    }
    if (perSecond < 1_000_000) {
      return String.format(Locale.ROOT, "%.1fk/s", perSecond / 1e3);
    }
    return String.format(Locale.ROOT, "%.2fM/s", perSecond / 1e6);
  }

  /** {@code m:ss}, or {@code h:mm:ss} from an hour on. */
  static String duration(Duration d) {
    return seconds(d.toMillis() / 1000.0);
  }

  static String seconds(double seconds) {
    if (Double.isNaN(seconds) || Double.isInfinite(seconds) || seconds > 359_999) {
      return "--:--";
    }
    long s = (long) Math.ceil(seconds);
    if (s >= 3600) {
      return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }
    return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  private static String clip(String s, int width) {
    return s.length() <= width ? s : s.substring(0, width);
  }
}
