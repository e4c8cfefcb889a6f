package io.celestialflow.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The records: every field read back as written, at its limits; what does not fit; damage noticed.
 * Version 3 (16 bytes, written) and version 2 (24 bytes, still read).
 */
class LineageRecordTest {
  private static long[] words(ByteBuffer b) {
    return new long[] {b.getLong(0), b.getLong(8), b.getLong(16)};
  }

  @Test
  void version2EveryFieldReadsBackAtItsLimits() {
    long[][] cases = {
      // task, parent, time, stage, kind, attempt
      {1, 0, 0, 0, 1, 1},
      {LineageRecordV2.MAX_ID, LineageRecordV2.MAX_ID, LineageRecordV2.MAX_TIME, 0xFFFE, 4, -1},
      {123_456_789_012L, 98_765L, 1_764_806_400_000L, 7, 2, Integer.MAX_VALUE},
      {5, 4, 1_764_806_400_123L, 1, 3, 0x01_23_45_67},
    };
    for (long[] c : cases) {
      ByteBuffer b = ByteBuffer.allocate(LineageRecordV2.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      assertThat(LineageRecordV2.put(b, 0, c[0], c[1], c[2], (int) c[3], (int) c[4], (int) c[5]))
          .isTrue();
      long[] w = words(b);
      assertThat(LineageRecordV2.problem(w[0], w[1], w[2], 0xFFFF)).isNull();
      assertThat(LineageRecord.task(w[0])).isEqualTo(c[0]);
      assertThat(LineageRecord.parent(w[1])).isEqualTo(c[1]);
      assertThat(LineageRecordV2.time(w[2])).isEqualTo(c[2]);
      assertThat(LineageRecord.stage(w[0])).isEqualTo(c[3]);
      assertThat(LineageRecordV2.kind(w[2])).isEqualTo(c[4]);
      assertThat(LineageRecordV2.attempt(w[1], w[2])).isEqualTo((int) c[5]);
    }
  }

  @Test
  void version2AnEventThatDoesNotFitIsRefused() {
    ByteBuffer b = ByteBuffer.allocate(LineageRecordV2.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(LineageRecordV2.put(b, 0, LineageRecordV2.MAX_ID + 1, 0, 0, 0, 1, 1)).isFalse();
    assertThat(LineageRecordV2.put(b, 0, 1, LineageRecordV2.MAX_ID + 1, 0, 0, 1, 1)).isFalse();
    assertThat(LineageRecordV2.put(b, 0, 1, 0, LineageRecordV2.MAX_TIME + 1, 0, 1, 1)).isFalse();
    assertThat(LineageRecordV2.put(b, 0, 0, 0, 0, 0, 1, 1)).isFalse();
    assertThat(b.getLong(0)).as("nothing written").isZero();
  }

  @Test
  void version2AnyFlippedBitIsNoticed() {
    ByteBuffer b = ByteBuffer.allocate(LineageRecordV2.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    LineageRecordV2.put(b, 0, 42, 21, 1_764_806_400_000L, 2, 1, 3);
    long[] w = words(b);
    int noticed = 0;
    for (int word = 0; word < 3; word++) {
      for (int bit = 0; bit < 64; bit++) {
        long[] d = w.clone();
        d[word] ^= 1L << bit;
        noticed += LineageRecordV2.problem(d[0], d[1], d[2], 3) != null ? 1 : 0;
      }
    }
    assertThat(noticed).as("of 192 single-bit flips").isGreaterThan(185);
  }

  private static long[] words3(ByteBuffer b) {
    return new long[] {b.getLong(0), b.getLong(8)};
  }

  @Test
  void everyFieldReadsBackAtItsLimits() {
    long[][] cases = {
      // task, parent, stage, kind, attempt
      {1, 0, 0, 1, 1},
      {LineageRecord.MAX_ID, LineageRecord.MAX_ID, 0xFFFE, 4, LineageRecord.MAX_ATTEMPT},
      {123_456_789_012L, 98_765L, 7, 2, 1000},
      {5, 4, 1, 3, 2},
    };
    for (long[] c : cases) {
      ByteBuffer b = ByteBuffer.allocate(LineageRecord.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      assertThat(LineageRecord.putEvent(b, 0, c[0], c[1], (int) c[2], (int) c[3], (int) c[4]))
          .isTrue();
      long[] w = words3(b);
      assertThat(LineageRecord.problem(w[0], w[1], 0xFFFF)).isNull();
      assertThat(LineageRecord.isTime(w[0])).isFalse();
      assertThat(LineageRecord.task(w[0])).isEqualTo(c[0]);
      assertThat(LineageRecord.parent(w[1])).isEqualTo(c[1]);
      assertThat(LineageRecord.stage(w[0])).isEqualTo(c[2]);
      assertThat(LineageRecord.kind(w[1])).isEqualTo(c[3]);
      assertThat(LineageRecord.attempt(w[1])).isEqualTo((int) c[4]);
    }
    for (long at : new long[] {0, 1_764_806_400_123L, LineageRecord.MAX_TIME}) {
      ByteBuffer b = ByteBuffer.allocate(LineageRecord.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      assertThat(LineageRecord.putTime(b, 0, at)).isTrue();
      long[] w = words3(b);
      assertThat(LineageRecord.problem(w[0], w[1], 1)).isNull();
      assertThat(LineageRecord.isTime(w[0])).isTrue();
      assertThat(LineageRecord.time(w[1])).isEqualTo(at);
    }
  }

  @Test
  void anEventOrATimeThatDoesNotFitIsRefused() {
    ByteBuffer b = ByteBuffer.allocate(LineageRecord.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(LineageRecord.putEvent(b, 0, LineageRecord.MAX_ID + 1, 0, 0, 1, 1)).isFalse();
    assertThat(LineageRecord.putEvent(b, 0, 1, LineageRecord.MAX_ID + 1, 0, 1, 1)).isFalse();
    assertThat(LineageRecord.putEvent(b, 0, 0, 0, 0, 1, 1)).isFalse();
    assertThat(LineageRecord.putEvent(b, 0, 1, 0, 0, 1, 0)).isFalse();
    assertThat(LineageRecord.putEvent(b, 0, 1, 0, 0, 1, LineageRecord.MAX_ATTEMPT + 1)).isFalse();
    assertThat(LineageRecord.putTime(b, 0, LineageRecord.MAX_TIME + 1)).isFalse();
    assertThat(LineageRecord.putTime(b, 0, -1)).isFalse();
    assertThat(b.getLong(0)).as("nothing written").isZero();
  }

  @Test
  void anyFlippedBitIsNoticed() {
    ByteBuffer event = ByteBuffer.allocate(LineageRecord.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    LineageRecord.putEvent(event, 0, 42, 21, 2, 1, 3);
    ByteBuffer time = ByteBuffer.allocate(LineageRecord.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    LineageRecord.putTime(time, 0, 1_764_806_400_000L);
    for (ByteBuffer b : List.of(event, time)) {
      long[] w = words3(b);
      int noticed = 0;
      for (int word = 0; word < 2; word++) {
        for (int bit = 0; bit < 64; bit++) {
          long[] d = w.clone();
          d[word] ^= 1L << bit;
          noticed += LineageRecord.problem(d[0], d[1], 3) != null ? 1 : 0;
        }
      }
      assertThat(noticed).as("of 128 single-bit flips").isGreaterThan(122);
    }
  }
}
