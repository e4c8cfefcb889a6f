package io.celestialflow.store;

import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * The fixed-size binary form of the lineage log (version 3): two little-endian longs (16 bytes) per
 * record, of two sorts.
 *
 * <p>An <b>event</b>:
 *
 * <ul>
 *   <li>word 0: the task id (low 40 bits, at least 1), the stage's index in the log's stage table
 *       (16 bits), a check byte (high 8 bits) computed over everything else, so that a damaged
 *       record is noticed rather than read as a wrong event;
 *   <li>word 1: the parent id (low 40 bits, 0 for an input), the {@link LineageEvent.Kind} code (4
 *       bits), the attempt (high 20 bits).
 * </ul>
 *
 * <p>A <b>time</b>: word 0 holds task id 0, stage index {@value #TIME_STAGE} and the check byte;
 * word 1 the time in epoch milliseconds (low 44 bits: until the year 2527). It gives the time of
 * the events after it, up to the next time. The engine's buffers begin with one, so every event's
 * time is in the same block of the log as the event (blocks are written whole, one after the
 * other). Keeping the time once for many events is what makes a record 16 bytes instead of 24
 * (version 2, {@link LineageRecordV2}): the writer's copy into the page cache was most of what
 * lineage cost.
 *
 * <p>Ids up to 2<sup>40</sup> − 1 (over a trillion) and attempts up to 2<sup>20</sup> − 1 (over a
 * million) fit: an event that does not fit is not recorded.
 */
final class LineageRecord {
  /** Longs per record. */
  static final int LONGS = 2;

  /** Bytes per record. */
  static final int BYTES = LONGS * Long.BYTES;

  /** The most stages a log's stage table holds (one index less is a time record's). */
  static final int MAX_STAGES = 0xFFFF;

  /** The stage index of a time record. */
  static final int TIME_STAGE = 0xFFFF;

  /** The highest task or parent id a record holds. */
  static final long MAX_ID = (1L << 40) - 1;

  /** The latest time (epoch milliseconds) a record holds. */
  static final long MAX_TIME = (1L << 44) - 1;

  /** The highest attempt a record holds. */
  static final int MAX_ATTEMPT = (1 << 20) - 1;

  private LineageRecord() {}

  /**
   * Writes one event at {@code offset} of a little-endian buffer.
   *
   * @return false if it does not fit a record (an id or attempt out of range): nothing is written
   */
  static boolean putEvent(
      ByteBuffer to, int offset, long task, long parent, int stage, int kind, int attempt) {
    if (!eventFits(task, parent, attempt)) {
      return false;
    }
    long w1 = eventWord1(parent, kind, attempt);
    to.putLong(offset, eventWord0(task, stage, w1));
    to.putLong(offset + 8, w1);
    return true;
  }

  /** Whether an event's task, parent (0 for an input) and attempt fit a record. */
  static boolean eventFits(long task, long parent, long attempt) {
    return task >= 1
        && task <= MAX_ID
        && parent >= 0
        && parent <= MAX_ID
        && attempt >= 1
        && attempt <= MAX_ATTEMPT;
  }

  /** Whether a time (epoch milliseconds) fits a time record. */
  static boolean timeFits(long at) {
    return at >= 0 && at <= MAX_TIME;
  }

  /** An event's second word (fields in range). */
  static long eventWord1(long parent, int kind, int attempt) {
    return parent | (kind & 0xFL) << 40 | (long) attempt << 44;
  }

  /** An event's first word, with its check byte over both (fields in range). */
  static long eventWord0(long task, int stage, long w1) {
    long w0 = task | (long) (stage & 0xFFFF) << 40;
    return w0 | check(w0, w1) << 56;
  }

  /** A time record's first word, with its check byte; its second is the time. */
  static long timeWord0(long at) {
    long w0 = (long) TIME_STAGE << 40;
    return w0 | check(w0, at) << 56;
  }

  /**
   * Writes a time record at {@code offset}.
   *
   * @return false if the time does not fit: nothing is written
   */
  static boolean putTime(ByteBuffer to, int offset, long at) {
    if (!timeFits(at)) {
      return false;
    }
    to.putLong(offset, timeWord0(at));
    to.putLong(offset + 8, at);
    return true;
  }

  /** Whether a record is a time record (else an event). */
  static boolean isTime(long w0) {
    return task(w0) == 0;
  }

  static long task(long w0) {
    return w0 & MAX_ID;
  }

  static int stage(long w0) {
    return (int) ((w0 >>> 40) & 0xFFFF);
  }

  static long parent(long w1) {
    return w1 & MAX_ID;
  }

  static int kind(long w1) {
    return (int) ((w1 >>> 40) & 0xF);
  }

  static int attempt(long w1) {
    return (int) (w1 >>> 44);
  }

  /** The time of a time record. */
  static long time(long w1) {
    return w1 & MAX_TIME;
  }

  /**
   * Why a record is not one this store wrote, or null if it looks sound.
   *
   * @param stages the number of stages in the log's table
   */
  static @Nullable String problem(long w0, long w1, int stages) {
    if (check(w0 & ~(0xFFL << 56), w1) != w0 >>> 56) {
      return "its check byte does not match";
    }
    if (isTime(w0)) {
      return stage(w0) == TIME_STAGE && w1 >>> 44 == 0
          ? null
          : "a time record with stage " + stage(w0) + ", high bits " + (w1 >>> 44);
    }
    if (kind(w1) < 1 || kind(w1) > LineageEvent.Kind.values().length) {
      return "unknown event code " + kind(w1);
    }
    if (attempt(w1) < 1) {
      return "attempt " + attempt(w1);
    }
    if (stage(w0) >= stages) {
      return "stage " + stage(w0) + " of " + stages;
    }
    return null;
  }

  private static long check(long w0WithoutCheck, long w1) {
    long h = w0WithoutCheck * 0x9E3779B97F4A7C15L ^ w1 * 0xC2B2AE3D27D4EB4FL;
    h ^= h >>> 31;
    h *= 0x94D049BB133111EBL;
    return (h ^ (h >>> 29)) >>> 56;
  }
}
