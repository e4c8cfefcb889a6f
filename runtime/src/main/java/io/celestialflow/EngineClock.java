package io.celestialflow;

/**
 * The engine's source of time, injectable so that tests of backoff, jitter and timeouts run
 * deterministically. {@link #SYSTEM} is {@link System#nanoTime()}.
 */
interface EngineClock {
  /** The system clock. */
  EngineClock SYSTEM = System::nanoTime;

  /**
   * The current time, in nanoseconds from an arbitrary origin.
   *
   * @return the time
   */
  long nanoTime();
}
