package io.celestialflow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Which failures of a stage are retried, how many times, and how long to wait in between.
 *
 * <p>Only exceptions that are instances of one of {@link #retryOn()} are retried; any other fails
 * the task at once. A retried task waits {@code initialBackoff × multiplier^(attempt-1)} (capped at
 * {@code maxBackoff}), spread by ± {@code jitter} (a fraction), without holding a worker: the wait
 * happens off the worker and the task re-enters the stage's inbox afterwards.
 *
 * <pre>{@code
 * RetryPolicy.on(IOException.class)
 *     .maxAttempts(5)
 *     .backoff(Duration.ofMillis(50))
 *     .multiplier(2.0)
 *     .maxBackoff(Duration.ofSeconds(2))
 *     .jitter(0.2);
 * }</pre>
 *
 * @param retryOn the exception types that are retried (and their subtypes)
 * @param maxAttempts the most times one task is attempted, the first attempt included
 * @param initialBackoff the wait before the second attempt
 * @param multiplier how much each further wait grows
 * @param maxBackoff the longest wait
 * @param jitter the random spread of each wait, a fraction in [0, 1]
 */
public record RetryPolicy(
    List<Class<? extends Throwable>> retryOn,
    int maxAttempts,
    Duration initialBackoff,
    double multiplier,
    Duration maxBackoff,
    double jitter) {

  private static final RetryPolicy NONE =
      new RetryPolicy(List.of(), 1, Duration.ZERO, 1.0, Duration.ZERO, 0.0);

  /**
   * Validates the policy.
   *
   * @param retryOn the exception types that are retried
   * @param maxAttempts the most attempts per task, at least 1
   * @param initialBackoff the first wait, not negative
   * @param multiplier the growth of each wait, at least 1
   * @param maxBackoff the longest wait, not negative
   * @param jitter the random spread, in [0, 1]
   */
  public RetryPolicy {
    retryOn = List.copyOf(retryOn);
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (maxAttempts < 1) {
      throw new GraphDefinitionException(
          "retry maxAttempts must be at least 1 (the first attempt counts), was " + maxAttempts);
    }
    if (initialBackoff.isNegative() || maxBackoff.isNegative()) {
      throw new GraphDefinitionException("retry backoff must not be negative");
    }
    if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
      throw new GraphDefinitionException("retry multiplier must be at least 1, was " + multiplier);
    }
    if (!(jitter >= 0.0 && jitter <= 1.0)) {
      throw new GraphDefinitionException("retry jitter must be in [0, 1], was " + jitter);
    }
  }

  /**
   * The policy that never retries: every failure is final.
   *
   * @return the no-retry policy
   */
  public static RetryPolicy none() {
    return NONE;
  }

  /**
   * A policy that retries the given exception types (and subtypes), by default up to 3 attempts
   * with a 10 ms backoff doubling up to 1 s, spread by 20%.
   *
   * @param types the exception types to retry
   * @return the policy
   */
  @SafeVarargs
  public static RetryPolicy on(Class<? extends Throwable>... types) {
    if (types.length == 0) {
      throw new GraphDefinitionException("RetryPolicy.on needs at least one exception type");
    }
    List<Class<? extends Throwable>> list = new ArrayList<>(types.length);
    for (Class<? extends Throwable> type : types) {
      list.add(Objects.requireNonNull(type, "type"));
    }
    return new RetryPolicy(list, 3, Duration.ofMillis(10), 2.0, Duration.ofSeconds(1), 0.2);
  }

  /**
   * Returns a copy with another attempt limit.
   *
   * @param attempts the most attempts per task, the first included
   * @return the new policy
   */
  public RetryPolicy maxAttempts(int attempts) {
    return new RetryPolicy(retryOn, attempts, initialBackoff, multiplier, maxBackoff, jitter);
  }

  /**
   * Returns a copy with another first wait.
   *
   * @param initial the wait before the second attempt
   * @return the new policy
   */
  public RetryPolicy backoff(Duration initial) {
    Duration max = initial.compareTo(maxBackoff) > 0 ? initial : maxBackoff;
    return new RetryPolicy(retryOn, maxAttempts, initial, multiplier, max, jitter);
  }

  /**
   * Returns a copy with another growth factor.
   *
   * @param factor how much each wait grows, at least 1
   * @return the new policy
   */
  public RetryPolicy multiplier(double factor) {
    return new RetryPolicy(retryOn, maxAttempts, initialBackoff, factor, maxBackoff, jitter);
  }

  /**
   * Returns a copy with another longest wait.
   *
   * @param max the longest wait
   * @return the new policy
   */
  public RetryPolicy maxBackoff(Duration max) {
    return new RetryPolicy(retryOn, maxAttempts, initialBackoff, multiplier, max, jitter);
  }

  /**
   * Returns a copy with another random spread.
   *
   * @param fraction the spread, in [0, 1]
   * @return the new policy
   */
  public RetryPolicy jitter(double fraction) {
    return new RetryPolicy(retryOn, maxAttempts, initialBackoff, multiplier, maxBackoff, fraction);
  }

  /**
   * Whether a task that failed with {@code error} on attempt {@code attempt} is tried again.
   *
   * @param error the failure
   * @param attempt the attempt that failed, starting at 1
   * @return true to retry
   */
  public boolean shouldRetry(Throwable error, int attempt) {
    if (attempt >= maxAttempts) {
      return false;
    }
    for (Class<? extends Throwable> type : retryOn) {
      if (type.isInstance(error)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The wait before the attempt after {@code attempt}, jitter included.
   *
   * @param attempt the attempt that failed, starting at 1
   * @return the wait
   */
  public Duration delayAfter(int attempt) {
    double nanos =
        (double) initialBackoff.toNanos() * Math.pow(multiplier, Math.max(0, attempt - 1));
    nanos = Math.min(nanos, (double) maxBackoff.toNanos());
    if (jitter > 0 && nanos > 0) {
      nanos *= 1.0 + jitter * (2 * ThreadLocalRandom.current().nextDouble() - 1);
    }
    return Duration.ofNanos((long) nanos);
  }
}
