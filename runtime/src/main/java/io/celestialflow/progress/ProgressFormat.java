package io.celestialflow.progress;

import io.celestialflow.StageStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
 *
 * <p>Text is built with {@code StringBuilder}s, by hand: a display draws a few frames a second, so
 * this code never runs often enough to be compiled, and interpreted, {@code String.format} and
 * {@code +} (an invokedynamic call site each) made the last frame of a 3-stage run take 1.4 ms, 3%
 * of a million-task run of trivial tasks; it takes 0.2–0.3 ms so.
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
      eta = "done ".concat(duration(s.elapsed()));
    } else {
      long open = Math.max(0, s.received() - s.completed());
      eta = open == 0 ? "ETA 0:00" : rate > 0 ? "ETA ".concat(seconds(open / rate)) : "ETA --:--";
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
    StringBuilder tail = new StringBuilder();
    StringBuilder line = new StringBuilder();
    for (Figures f : all) {
      tail.setLength(0);
      pad(tail, count(f.done()), countWidth, true).append('/');
      pad(tail, count(f.received()), countWidth, false).append(' ');
      pad(tail, f.rate(), 9, true).append("  ");
      pad(tail, f.eta(), 13, false).append(" fail ").append(count(f.failed()));
      tail.append("  dup ").append(count(f.dups()));
      line.setLength(0);
      pad(line, clip(f.name(), nameWidth), nameWidth, false).append(' ');
      int room = width - 1 - nameWidth - tail.length() - 4;
      if (room >= MIN_BAR) {
        bar(line, f.done(), f.received(), Math.min(MAX_BAR, room)).append(' ');
      }
      line.append(tail);
      lines.add(clip(line.toString().stripTrailing(), Math.max(1, width - 1)));
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
    return bar(new StringBuilder(width + 2), done, total, width).toString();
  }

  private static StringBuilder bar(StringBuilder s, long done, long total, int width) {
    int filled = total <= 0 ? 0 : (int) Math.min(width, done * width / total);
    s.append('[');
    for (int i = 0; i < width; i++) {
      s.append(i < filled ? '#' : '.');
    }
    return s.append(']');
  }

  /** {@code n} with a comma between groups of three digits. */
  static String count(long n) {
    String all = Long.toString(n);
    int first = n < 0 ? 1 : 0; // the first digit
    int lead = (all.length() - first) % 3 == 0 ? 3 : (all.length() - first) % 3;
    StringBuilder s = new StringBuilder(all.length() + all.length() / 3);
    s.append(all, 0, first + lead);
    for (int i = first + lead; i < all.length(); i += 3) {
      s.append(',').append(all, i, i + 3);
    }
    return s.toString();
  }

  static String rate(double perSecond) {
    if (Double.isNaN(perSecond) || perSecond < 0) {
      return "--/s";
    }
    if (perSecond < 1_000) {
      return fixed(perSecond, 0, "/s");
    }
    if (perSecond < 1_000_000) {
      return fixed(perSecond / 1e3, 1, "k/s");
    }
    return fixed(perSecond / 1e6, 2, "M/s");
  }

  /** {@code v} (at least 0) rounded to 0, 1 or 2 decimals, then {@code unit}. */
  private static String fixed(double v, int decimals, String unit) {
    long scale = decimals == 0 ? 1 : decimals == 1 ? 10 : 100;
    long scaled = Math.round(v * scale);
    StringBuilder s = new StringBuilder(24).append(scaled / scale);
    if (decimals > 0) {
      long fraction = scaled % scale;
      s.append('.');
      if (decimals == 2 && fraction < 10) {
        s.append('0');
      }
      s.append(fraction);
    }
    return s.append(unit).toString();
  }

  /** Appends {@code s}, right-aligned (or left-aligned) in {@code width} characters. */
  private static StringBuilder pad(StringBuilder to, String s, int width, boolean right) {
    if (!right) {
      to.append(s);
    }
    for (int i = s.length(); i < width; i++) {
      to.append(' ');
    }
    return right ? to.append(s) : to;
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
    StringBuilder text = new StringBuilder(12);
    if (s >= 3600) {
      twoDigits(text.append(s / 3600).append(':'), s / 60 % 60);
    } else {
      text.append(s / 60);
    }
    return twoDigits(text.append(':'), s % 60).toString();
  }

  private static StringBuilder twoDigits(StringBuilder s, long n) {
    return (n < 10 ? s.append('0') : s).append(n);
  }

  private static String clip(String s, int width) {
    return s.length() <= width ? s : s.substring(0, width);
  }
}
