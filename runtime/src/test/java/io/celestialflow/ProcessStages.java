package io.celestialflow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Stage classes for {@link ProcessModeTest}: each is instantiated in worker JVMs by its no-argument
 * constructor, so none may capture anything; parameters come through system properties.
 */
final class ProcessStages {
  private ProcessStages() {}

  record Point(int x, int y) {}

  record Segment(String name, Point from, Point to) {}

  record Measured(String name, double length, List<Point> ends) {}

  /** CPU-bound: the number of Collatz steps from {@code n} down to 1. */
  static final class CollatzSteps implements TaskFunction<Long, Integer> {
    @Override
    public Integer apply(Long n) {
      return collatz(n);
    }

    static int collatz(long n) {
      int steps = 0;
      for (long v = n; v != 1; v = (v & 1) == 0 ? v / 2 : 3 * v + 1) {
        steps++;
      }
      return steps;
    }
  }

  /** Record in, record out. */
  static final class Measure implements TaskFunction<Segment, Measured> {
    @Override
    public Measured apply(Segment s) {
      double dx = s.to().x() - s.from().x();
      double dy = s.to().y() - s.from().y();
      return new Measured(s.name(), Math.hypot(dx, dy), List.of(s.from(), s.to()));
    }
  }

  /** Nested generics both ways. */
  static final class Quadrants implements TaskFunction<List<Point>, Map<String, List<Integer>>> {
    @Override
    public Map<String, List<Integer>> apply(List<Point> points) {
      Map<String, List<Integer>> out = new TreeMap<>();
      for (Point p : points) {
        String q = (p.x() >= 0 ? "E" : "W") + (p.y() >= 0 ? "N" : "S");
        out.computeIfAbsent(q, k -> new ArrayList<>()).add(p.x() * p.y());
      }
      return out;
    }
  }

  /** A generic base class: the types are resolved through it. */
  abstract static class Doubler<T> implements TaskFunction<T, List<T>> {
    @Override
    public List<T> apply(T t) {
      return List.of(t, t);
    }
  }

  static final class StringDoubler extends Doubler<String> {}

  /** Doubles a number, or kills its JVM with System.exit(3) on 13. */
  static final class ExitOn13 implements TaskFunction<Integer, Integer> {
    @Override
    public Integer apply(Integer x) {
      if (x == 13) {
        System.exit(3);
      }
      return 2 * x;
    }
  }

  /**
   * Like {@link ExitOn13}, but only the first time: the marker file (system property {@code
   * test.marker}) records that it happened.
   */
  static final class ExitOnceOn13 implements TaskFunction<Integer, Integer> {
    @Override
    public Integer apply(Integer x) throws IOException {
      if (x == 13) {
        Path marker = Path.of(System.getProperty("test.marker"));
        if (!Files.exists(marker)) {
          Files.writeString(marker, "crashed");
          Runtime.getRuntime().halt(9);
        }
      }
      return 2 * x;
    }
  }

  /** Returns the task and the pid of the worker that ran it, slowly. */
  static final class SlowPid implements TaskFunction<Integer, long[]> {
    @Override
    public long[] apply(Integer x) throws InterruptedException {
      Thread.sleep(Duration.ofMillis(15));
      return new long[] {x, ProcessHandle.current().pid()};
    }
  }

  /** Sleeps 2 ms per task: a stage slower than its source. */
  static final class TwoMillis implements TaskFunction<Integer, Integer> {
    @Override
    public Integer apply(Integer x) throws InterruptedException {
      Thread.sleep(Duration.ofMillis(2));
      return x;
    }
  }

  /** Sleeps a little per task. */
  static final class Slow implements TaskFunction<Integer, Integer> {
    @Override
    public Integer apply(Integer x) throws InterruptedException {
      Thread.sleep(Duration.ofMillis(20));
      return x;
    }
  }

  /** Freezes its whole JVM (SIGSTOP) on 7: no heartbeat comes any more. */
  static final class FreezeOn7 implements TaskFunction<Integer, Integer> {
    @Override
    public Integer apply(Integer x) throws Exception {
      if (x == 7) {
        // The shell's built-in kill: no dependency on a kill binary being installed.
        new ProcessBuilder("sh", "-c", "kill -STOP " + ProcessHandle.current().pid())
            .start()
            .waitFor();
      }
      return x + 1;
    }
  }

  /** Never returns on 5. */
  static final class HangOn5 implements TaskFunction<Integer, Integer> {
    @Override
    public Integer apply(Integer x) throws InterruptedException {
      if (x == 5) {
        Thread.sleep(Duration.ofHours(1));
      }
      return x;
    }
  }

  /** Runs out of memory on 3 (with a small heap). */
  static final class HogOn3 implements TaskFunction<Integer, Integer> {
    @Override
    public Integer apply(Integer x) {
      if (x == 3) {
        List<long[]> hog = new ArrayList<>();
        for (int i = 0; i < Integer.MAX_VALUE; i++) {
          hog.add(new long[1 << 20]);
        }
        return hog.size();
      }
      return x;
    }
  }

  /** 1/x: infinite for 0, which JSON cannot carry. */
  static final class Inverse implements TaskFunction<Integer, Double> {
    @Override
    public Double apply(Integer x) {
      return 1.0 / x;
    }
  }

  static final class Half implements TaskFunction<Double, Double> {
    @Override
    public Double apply(Double x) {
      return x / 2;
    }
  }

  /** A structure with a reference cycle on 4. */
  static final class Cyclic implements TaskFunction<Integer, List<Object>> {
    @Override
    public List<Object> apply(Integer x) {
      List<Object> list = new ArrayList<>();
      list.add(x);
      if (x == 4) {
        list.add(list);
      }
      return list;
    }
  }

  /** Fails on odd numbers with its own exception. */
  static final class FailOdd implements TaskFunction<Integer, Integer> {
    @Override
    public Integer apply(Integer x) throws IOException {
      if (x % 2 == 1) {
        throw new IOException("odd " + x);
      }
      return x;
    }
  }

  /** An exception that cannot be serialised. */
  static final class Unserialisable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings({"serial", "unused"})
    private final Object lock = new Object();

    Unserialisable(String message) {
      super(message);
    }
  }

  static final class ThrowUnserialisable implements TaskFunction<Integer, Integer> {
    @Override
    public Integer apply(Integer x) {
      throw new Unserialisable("cannot travel " + x);
    }
  }

  /** Prints to both streams. */
  static final class Chatty implements TaskFunction<Integer, Integer> {
    @Override
    public Integer apply(Integer x) {
      System.out.println("out " + x);
      System.err.println("err " + x);
      return x;
    }
  }

  /** Splits a sentence into words. */
  static final class Words implements TaskFunction<String, List<String>> {
    @Override
    public List<String> apply(String s) {
      return Arrays.asList(s.split(" "));
    }
  }

  /** Routes even numbers to "even", odd to "odd". */
  static final class Parity implements TaskFunction<Integer, Routed<Integer>> {
    @Override
    public Routed<Integer> apply(Integer x) {
      return Routed.to(x % 2 == 0 ? "even" : "odd", x);
    }
  }

  /** Appends each task to the file named by the system property {@code test.sink}. */
  static final class AppendLine implements TaskConsumer<String> {
    @Override
    public void accept(String line) throws IOException {
      Files.writeString(
          Path.of(System.getProperty("test.sink")),
          line + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    }
  }

  /** A constructor that throws: the worker cannot start. */
  static final class BrokenConstructor implements TaskFunction<Integer, Integer> {
    BrokenConstructor() {
      throw new IllegalStateException("no database here");
    }

    @Override
    public Integer apply(Integer x) {
      return x;
    }
  }

  /**
   * Its first three constructions, over all worker JVMs, fail: each claims one of three marker
   * files in the directory named by the system property {@code test.dir}.
   */
  static final class FlakyStart implements TaskFunction<Integer, Integer> {
    FlakyStart() throws IOException {
      Path dir = Path.of(System.getProperty("test.dir"));
      for (int i = 0; i < 3; i++) {
        try {
          Files.createFile(dir.resolve("failed-start-" + i));
          throw new IllegalStateException("transient start failure " + i);
        } catch (java.nio.file.FileAlreadyExistsException e) {
          // Someone else failed this one; try the next.
        }
      }
    }

    @Override
    public Integer apply(Integer x) {
      return -x;
    }
  }

  static final class Identity<T> implements TaskFunction<T, T> {
    @Override
    public T apply(T t) {
      return t;
    }
  }

  static final class ObjectEcho implements TaskFunction<Object, String> {
    @Override
    public String apply(Object o) {
      return o.toString();
    }
  }

  interface Shape {}

  static final class ShapeName implements TaskFunction<Shape, String> {
    @Override
    public String apply(Shape s) {
      return s.getClass().getSimpleName();
    }
  }

  static final class Inc implements TaskFunction<Integer, Integer> {
    @Override
    public Integer apply(Integer x) {
      return x + 1;
    }
  }
}
