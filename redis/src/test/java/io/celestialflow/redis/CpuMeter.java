package io.celestialflow.redis;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import redis.clients.jedis.Jedis;

/**
 * CPU time spent during one measurement of {@link RedisThroughputBenchmark}, by side: this JVM's
 * threads grouped by name ({@code /proc/self/task}, Linux only, 10 ms ticks) — the graph's bridge
 * threads, the engine's, the worker's, GC, JIT, other, and "gone" (threads that ended before the
 * measurement stopped: the whole process's CPU time minus the live threads') — and redis-server's
 * (its {@code INFO cpu}). Read per task, it says where the 2 shared cores go.
 */
final class CpuMeter {
  private static final double TICK_NS = 1e9 / 100;

  private final RedisServer server;
  private final Map<String, Long> before;
  private final double redisBefore;
  private final long processBefore;
  private final long sysBefore;
  private long sysTicks;
  private final Map<String, Double> nanos = new TreeMap<>();
  private long processNanos;
  private double redisSeconds;
  private String commands = "";

  private CpuMeter(RedisServer server) {
    this.server = server;
    this.before = ticks();
    try (Jedis j = server.client()) {
      j.configResetStat();
    }
    this.redisBefore = redisCpu(server);
    this.processBefore = processCpu();
    this.sysBefore = processSysTicks();
  }

  /** The system (kernel) clock ticks of this process so far: its share of syscalls and wake-ups. */
  private static long processSysTicks() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[12]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** Starts measuring now. */
  static CpuMeter start(RedisServer server) {
    return new CpuMeter(server);
  }

  /** Stops measuring: takes the CPU time of every live thread and of redis-server since start. */
  CpuMeter stop() {
    processNanos = processCpu() - processBefore;
    sysTicks = processSysTicks() - sysBefore;
    redisSeconds = redisCpu(server) - redisBefore;
    try (Jedis j = server.client()) {
      commands = j.info("commandstats");
    }
    Map<String, Long> now = ticks();
    double live = 0;
    for (Map.Entry<String, Long> e : now.entrySet()) {
      String name = e.getKey().substring(e.getKey().indexOf(' ') + 1);
      double spent = (e.getValue() - before.getOrDefault(e.getKey(), 0L)) * TICK_NS;
      live += spent;
      nanos.merge(side(name), spent, Double::sum);
    }
    nanos.put("gone", Math.max(0, processNanos - live));
    return this;
  }

  private static String side(String thread) {
    if (thread.startsWith("celestialflow-w")) {
      return "worker";
    }
    if (thread.startsWith("celestialflow-r")) {
      return "bridge";
    }
    if (thread.startsWith("cf-")) {
      return "engine";
    }
    if (thread.startsWith("GC Thread") || thread.startsWith("G1 ")) {
      return "gc";
    }
    if (thread.startsWith("C1 ") || thread.startsWith("C2 ")) {
      return "jit";
    }
    return "other";
  }

  /** CPU microseconds per task by side, for {@code n} tasks. */
  String perTask(int n) {
    StringBuilder s =
        new StringBuilder(
            String.format(
                "jvm %.2f (of which kernel %.2f; ",
                processNanos / 1e3 / n, sysTicks * TICK_NS / 1e3 / n));
    for (Map.Entry<String, Double> e : nanos.entrySet()) {
      s.append(String.format("%s %.2f ", e.getKey(), e.getValue() / 1e3 / n));
    }
    s.setLength(s.length() - 1);
    s.append(String.format(") redis-server %.2f cpu-us/task", redisSeconds * 1e6 / n));
    return s.toString();
  }

  /**
   * Redis commands during the measurement, per command: calls per task, and microseconds of
   * redis-server time per task (its {@code INFO commandstats}, which counts a script's inner calls
   * under their own names too).
   */
  String commandsPerTask(int n) {
    StringBuilder s = new StringBuilder();
    for (String line : commands.split("\r?\n")) {
      if (!line.startsWith("cmdstat_")) {
        continue;
      }
      String name = line.substring(8, line.indexOf(':'));
      long calls = 0;
      long usec = 0;
      for (String kv : line.substring(line.indexOf(':') + 1).split(",")) {
        if (kv.startsWith("calls=")) {
          calls = Long.parseLong(kv.substring(6));
        } else if (kv.startsWith("usec=")) {
          usec = Long.parseLong(kv.substring(5));
        }
      }
      if (calls * 1000L >= n) { // at least one call per 1000 tasks
        s.append(
            String.format("%s %.4f calls %.2f us, ", name, (double) calls / n, (double) usec / n));
      }
    }
    return s.toString();
  }

  /** Clock ticks (user + system) of each live thread, keyed by "tid name". */
  private static Map<String, Long> ticks() {
    Map<String, Long> out = new HashMap<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path t : tasks) {
        try {
          String stat = Files.readString(t.resolve("stat"));
          int open = stat.indexOf('(');
          int close = stat.lastIndexOf(')');
          String[] f = stat.substring(close + 2).split(" ");
          // after "(comm) ": state is field 3, utime field 14, stime field 15
          long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
          out.put(t.getFileName() + " " + stat.substring(open + 1, close), ticks);
        } catch (IOException | RuntimeException e) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException e) {
      // not Linux: only the process and redis-server figures
    }
    return out;
  }

  private static long processCpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static double redisCpu(RedisServer server) {
    try (Jedis j = server.client()) {
      double total = 0;
      for (String line : j.info("cpu").split("\r?\n")) {
        if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
          total += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
        }
      }
      return total;
    }
  }
}
