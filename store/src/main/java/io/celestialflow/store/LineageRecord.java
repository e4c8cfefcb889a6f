package io.celestialflow.store;

import org.jspecify.annotations.Nullable;

/**
 * The fixed-size binary form of one lineage event: four little-endian longs (32 bytes) — task id,
 * parent id, time (epoch ms), and a word packing the attempt (high 32 bits), the stage's index in
 * the log's stage table (16 bits), the {@link LineageEvent.Kind} code (8 bits) and a check byte
 * (low 8 bits) computed over the other fields, so that a damaged record is noticed rather than read
 * as a wrong event.
 */
final class LineageRecord {
  /** Longs per event. */
  static final int LONGS = 4;

  /** Bytes per event. */
  static final int BYTES = LONGS * Long.BYTES;

  /** The most stages a log's stage table holds. */
  static final int MAX_STAGES = 0xFFFF;

  private LineageRecord() {}

  /** The last word of a record: attempt, stage index, kind and the check byte. */
  static long meta(long task, long parent, long at, int stage, int kind, int attempt) {
    long m = ((long) attempt << 32) | ((long) (stage & 0xFFFF) << 16) | ((kind & 0xFFL) << 8);
    return m | check(task, parent, at, m);
  }

  static int attempt(long meta) {
    return (int) (meta >>> 32);
  }

  static int stage(long meta) {
    return (int) ((meta >>> 16) & 0xFFFF);
  }

  static int kind(long meta) {
    return (int) ((meta >>> 8) & 0xFF);
  }

  /**
   * Why a record is not one this store wrote, or null if it looks sound.
   *
   * @param stages the number of stages in the log's table
   */
  static @Nullable String problem(long task, long parent, long at, long meta, int stages) {
    if (check(task, parent, at, meta & ~0xFFL) != (meta & 0xFF)) {
      return "its check byte does not match";
    }
    if (task < 1 || parent < 0) {
      return "task id " + task + ", parent " + parent;
    }
    if (kind(meta) < 1 || kind(meta) > LineageEvent.Kind.values().length) {
      return "unknown event code " + kind(meta);
    }
    if (stage(meta) >= stages) {
      return "stage " + stage(meta) + " of " + stages;
    }
    return null;
  }

  private static long check(long task, long parent, long at, long metaWithoutCheck) {
    long h =
        task * 0x9E3779B97F4A7C15L
            ^ parent * 0xC2B2AE3D27D4EB4FL
            ^ at * 0x165667B19E3779F9L
            ^ metaWithoutCheck * 0xD6E8FEB86659FD93L;
    h ^= h >>> 31;
    h *= 0x94D049BB133111EBL;
    return (h ^ (h >>> 29)) >>> 56;
  }
}
