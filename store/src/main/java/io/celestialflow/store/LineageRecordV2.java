package io.celestialflow.store;

import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * The record of version 2 logs, read by this build (it writes {@link LineageRecord}s of version 3):
 * one lineage event in three little-endian longs (24 bytes).
 *
 * <ul>
 *   <li>word 0: the task id (low 40 bits), the stage's index in the log's stage table (16 bits), a
 *       check byte (high 8 bits) computed over everything else, so that a damaged record is noticed
 *       rather than read as a wrong event;
 *   <li>word 1: the parent id (low 40 bits, 0 for an input), the attempt's low 24 bits;
 *   <li>word 2: the time in epoch milliseconds (low 44 bits: until the year 2527), the attempt's
 *       high 8 bits, the {@link LineageEvent.Kind} code (8 bits), 4 bits always 0.
 * </ul>
 *
 * <p>Ids up to 2<sup>40</sup> − 1 (over a trillion) fit: the engine counts a run's ids from 1, and
 * an index covers ids up to 2<sup>31</sup> anyway. An event that does not fit is not recorded.
 */
final class LineageRecordV2 {
  /** Longs per event. */
  static final int LONGS = 3;

  /** Bytes per event. */
  static final int BYTES = LONGS * Long.BYTES;

  /** The highest task or parent id a record holds. */
  static final long MAX_ID = (1L << 40) - 1;

  /** The latest time (epoch milliseconds) a record holds. */
  static final long MAX_TIME = (1L << 44) - 1;

  private LineageRecordV2() {}

  /**
   * Writes one event at {@code offset} of a little-endian buffer, as the build before wrote them
   * (this build writes {@link LineageRecord}s; tests write logs of version 2 with this).
   *
   * @return false if it does not fit a record (an id or time out of range): nothing is written
   */
  static boolean put(
      ByteBuffer to,
      int offset,
      long task,
      long parent,
      long at,
      int stage,
      int kind,
      int attempt) {
    if (task < 1 || task > MAX_ID || parent < 0 || parent > MAX_ID || at < 0 || at > MAX_TIME) {
      return false;
    }
    long w0 = task | (long) (stage & 0xFFFF) << 40;
    long w1 = parent | (attempt & 0xFFFFFFL) << 40;
    long w2 = at | (long) (attempt >>> 24) << 44 | (kind & 0xFFL) << 52;
    to.putLong(offset, w0 | check(w0, w1, w2) << 56);
    to.putLong(offset + 8, w1);
    to.putLong(offset + 16, w2);
    return true;
  }

  // The task id, the stage and the parent id sit where version 3 keeps them: read them with
  // LineageRecord.task, .stage and .parent.

  static int attempt(long w1, long w2) {
    return (int) ((w1 >>> 40) | ((w2 >>> 44) & 0xFF) << 24);
  }

  static long time(long w2) {
    return w2 & MAX_TIME;
  }

  static int kind(long w2) {
    return (int) ((w2 >>> 52) & 0xFF);
  }

  /**
   * Why a record is not one this store wrote, or null if it looks sound.
   *
   * @param stages the number of stages in the log's table
   */
  static @Nullable String problem(long w0, long w1, long w2, int stages) {
    if (check(w0 & ~(0xFFL << 56), w1, w2) != w0 >>> 56) {
      return "its check byte does not match";
    }
    if (LineageRecord.task(w0) < 1 || w2 >>> 60 != 0) {
      return "task id " + LineageRecord.task(w0) + ", unused bits " + (w2 >>> 60);
    }
    if (kind(w2) < 1 || kind(w2) > LineageEvent.Kind.values().length) {
      return "unknown event code " + kind(w2);
    }
    if (LineageRecord.stage(w0) >= stages) {
      return "stage " + LineageRecord.stage(w0) + " of " + stages;
    }
    return null;
  }

  private static long check(long w0WithoutCheck, long w1, long w2) {
    long h = w0WithoutCheck * 0x9E3779B97F4A7C15L ^ w1 * 0xC2B2AE3D27D4EB4FL;
    h ^= w2 * 0x165667B19E3779F9L;
    h ^= h >>> 31;
    h *= 0x94D049BB133111EBL;
    return (h ^ (h >>> 29)) >>> 56;
  }
}
