package io.celestialflow.samples;

import io.celestialflow.Edge;
import io.celestialflow.ExecutionMode;
import io.celestialflow.Pipeline;
import io.celestialflow.Stage;
import io.celestialflow.StageKind;
import java.util.ArrayList;
import java.util.List;

/**
 * A CPU-heavy stage isolated in worker JVMs: counting the primes below a limit, chunk by chunk. The
 * splitter {@code chunks} runs here and cuts {@code [0, limit)} into ranges; {@code count} tests
 * every number of a range by trial division, in two worker JVMs of 64 MiB each, so its work and its
 * garbage stay out of the driving JVM (and a crash in it would cost only the chunk being counted).
 *
 * <p>{@code count} is an instance method: each worker JVM creates its own {@code Primes} with the
 * no-argument constructor, which computes the small primes the trial division uses, once per
 * worker. The driving JVM never creates one — no stage that runs in it needs an instance — so the
 * generated graph is built without one:
 *
 * <pre>{@code
 * try (PrimesGraph graph = new PrimesGraph()) {
 *   List<Count> counts = graph.run(List.of(new PrimesGraph.ChunksArgs(1_000_000, 100_000))).count();
 *   long primes = counts.stream().mapToLong(Count::primes).sum();           // 78,498
 * }
 * }</pre>
 *
 * From the command line: {@code java -cp ... io.celestialflow.samples.PrimesGraph --input
 * chunks='[[1000000,100000]]'}.
 */
@Pipeline(name = "primes")
public final class Primes {
  /** The largest number a chunk may reach: the small primes go up to its square root. */
  public static final long MAX = 1L << 40;

  /** The primes up to the square root of {@link #MAX}, made once in each JVM that creates this. */
  private final int[] smallPrimes;

  /** Computes the small primes; each worker JVM of {@code count} calls this once. */
  public Primes() {
    this.smallPrimes = sieve((int) Math.sqrt((double) MAX));
  }

  /**
   * The numbers {@code from} (included) to {@code to} (excluded).
   *
   * @param from the first number
   * @param to the end, excluded
   */
  public record Range(long from, long to) {}

  /**
   * How many primes a range holds.
   *
   * @param range the range
   * @param primes the number of primes in it
   */
  public record Count(Range range, long primes) {}

  /**
   * Cuts {@code [0, limit)} into ranges of {@code size} numbers (the last one may be shorter).
   *
   * @param limit the end, excluded; at most {@link #MAX}
   * @param size the numbers per range
   * @return the ranges
   */
  @Stage(kind = StageKind.SPLITTER)
  @Edge(to = "count")
  static List<Range> chunks(long limit, int size) {
    if (limit > MAX || size < 1) {
      throw new IllegalArgumentException("limit must be at most 2^40 and size positive");
    }
    List<Range> ranges = new ArrayList<>();
    for (long from = 0; from < limit; from += size) {
      ranges.add(new Range(from, Math.min(limit, from + size)));
    }
    return ranges;
  }

  /**
   * Counts the primes of a range by trial division, in a worker JVM.
   *
   * @param range the range
   * @return its count
   */
  @Stage(mode = ExecutionMode.PROCESS, workers = 2, heap = "64m", heartbeatTimeoutMillis = 5000)
  Count count(Range range) {
    long primes = 0;
    for (long n = Math.max(2, range.from()); n < range.to(); n++) {
      if (isPrime(n)) {
        primes++;
      }
    }
    return new Count(range, primes);
  }

  private boolean isPrime(long n) {
    for (int p : smallPrimes) {
      if ((long) p * p > n) {
        return true;
      }
      if (n % p == 0) {
        return false;
      }
    }
    return true;
  }

  /** The primes up to {@code max}, by the sieve of Eratosthenes. */
  static int[] sieve(int max) {
    boolean[] composite = new boolean[max + 1];
    List<Integer> primes = new ArrayList<>();
    for (int n = 2; n <= max; n++) {
      if (!composite[n]) {
        primes.add(n);
        for (long m = (long) n * n; m <= max; m += n) {
          composite[(int) m] = true;
        }
      }
    }
    return primes.stream().mapToInt(Integer::intValue).toArray();
  }
}
