package demo;

import io.celestialflow.Edge;
import io.celestialflow.ExecutionMode;
import io.celestialflow.Routed;
import io.celestialflow.Stage;
import io.celestialflow.StageKind;
import io.celestialflow.WorkerCrashedException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

/** PROCESS stages of every kind, static and instance methods, next to a THREAD stage. */
public class Sieve {
  private final long[] smallPrimes = {2, 3, 5, 7, 11, 13};

  @Stage(
      kind = StageKind.SPLITTER,
      mode = ExecutionMode.PROCESS,
      workers = 2,
      heap = "256m",
      heartbeatTimeoutMillis = 5000)
  @Edge(to = "classify")
  static long[] range(long from, long to) {
    return LongStream.range(from, to).toArray();
  }

  @Stage(kind = StageKind.ROUTER, mode = ExecutionMode.PROCESS, routes = {"prime", "factors"})
  @Edge(to = "prime")
  @Edge(to = "factors")
  Routed<Long> classify(long n) {
    for (long p : smallPrimes) {
      if (n % p == 0 && n != p) {
        return Routed.to("factors", n);
      }
    }
    return Routed.to("prime", n);
  }

  @Stage(mode = ExecutionMode.THREAD, workers = 2)
  String prime(long n) {
    return n + " is prime";
  }

  @Stage(
      mode = ExecutionMode.PROCESS,
      jvmArgs = {"-XX:+UseSerialGC", "-Dsieve.trace=false"},
      timeoutMillis = 10000,
      retryOn = WorkerCrashedException.class,
      maxAttempts = 2)
  @Edge(to = "log")
  List<Long> factors(long n) {
    List<Long> out = new ArrayList<>();
    for (long p = 2; n > 1; p++) {
      for (; n % p == 0; n /= p) {
        out.add(p);
      }
    }
    return out;
  }

  @Stage(mode = ExecutionMode.PROCESS)
  static void log(List<Long> factors) {
    System.out.println(factors);
  }
}
