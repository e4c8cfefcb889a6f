package io.celestialflow.spi;

/**
 * How an attempt of a task ended, as an observer that wants {@linkplain TaskObserver#identityOnly
 * identities only} hears it ({@link TaskObserver#settled}).
 */
public enum TaskOutcome {
  /** It succeeded ({@link TaskObserver#succeeded}). */
  SUCCEEDED,
  /** It failed and will be tried again ({@link TaskObserver#failed} with {@code willRetry}). */
  RETRIED,
  /** It failed for good ({@link TaskObserver#failed} without {@code willRetry}). */
  FAILED,
  /** It was skipped as a duplicate ({@link TaskObserver#duplicate}). */
  DUPLICATE
}
