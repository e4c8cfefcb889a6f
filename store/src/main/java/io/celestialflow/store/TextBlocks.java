package io.celestialflow.store;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jspecify.annotations.Nullable;

/**
 * The text index behind {@link FailureQuery#text}: for each block of {@value #BLOCK_SIZE}
 * consecutive failure ids, a Bloom filter of the trigrams of their messages and tasks (ASCII
 * letters folded to lower case, as SQLite's {@code LIKE} folds them). A text search reads the
 * filters (one small row per thousand failures), skips every block that cannot hold the text, and
 * runs its {@code LIKE} over the rest only: a text that is rare or absent costs a read of the
 * filters plus the few blocks that may hold it, not a scan of every failure. Results are exactly
 * the {@code LIKE}'s: a filter only ever rules blocks out.
 *
 * <p>Why not SQLite's FTS5 (trigram tokenizer): measured here, it indexes about 14,000 rows/s on
 * the writer's thread, a sixth of what the failures table alone takes; this costs about 40 ns per
 * character of text in Java and one row write per block per batch.
 */
final class TextBlocks {
  /** Failure ids per block: block {@code b} holds ids {@code [b << SHIFT, (b + 1) << SHIFT)}. */
  static final int SHIFT = 10;

  static final int BLOCK_SIZE = 1 << SHIFT;

  /** Bits per filter (1 KiB). */
  static final int BITS = 8192;

  static final int WORDS = BITS / 64;

  private TextBlocks() {}

  /** Adds the trigrams of {@code text} to a filter. */
  static void add(long[] filter, String text) {
    int n = text.length();
    if (n < 3) {
      return;
    }
    char a = fold(text.charAt(0));
    char b = fold(text.charAt(1));
    for (int i = 2; i < n; i++) {
      char c = fold(text.charAt(i));
      set(filter, a, b, c);
      a = b;
      b = c;
    }
  }

  /**
   * The filter bits every block holding {@code text} has set, or null when the text is too short to
   * have a trigram (then no block can be ruled out).
   */
  static long @Nullable [] mask(String text) {
    if (text.length() < 3) {
      return null;
    }
    long[] mask = new long[WORDS];
    add(mask, text);
    return mask;
  }

  /** Whether a stored filter may hold a text with this mask. */
  static boolean mayContain(byte[] stored, long[] mask) {
    ByteBuffer b = ByteBuffer.wrap(stored).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < WORDS; i++) {
      long m = mask[i];
      if (m != 0 && (b.getLong(i * 8) & m) != m) {
        return false;
      }
    }
    return true;
  }

  static byte[] toBytes(long[] filter) {
    ByteBuffer b = ByteBuffer.allocate(WORDS * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (long w : filter) {
      b.putLong(w);
    }
    return b.array();
  }

  static long[] fromBytes(byte @Nullable [] stored) {
    long[] filter = new long[WORDS];
    if (stored != null && stored.length == WORDS * 8) {
      ByteBuffer b = ByteBuffer.wrap(stored).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < WORDS; i++) {
        filter[i] = b.getLong();
      }
    }
    return filter;
  }

  /** SQLite's LIKE folds ASCII letters only. */
  private static char fold(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
  }

  /** Sets two bits for a trigram (a Bloom filter with two hash functions). */
  private static void set(long[] filter, char a, char b, char c) {
    long x = ((long) a << 32 | (long) b << 16 | c) * 0x9e3779b97f4a7c15L;
    x ^= x >>> 31;
    x *= 0xbf58476d1ce4e5b9L;
    x ^= x >>> 29;
    int h1 = (int) x & (BITS - 1);
    int h2 = (int) (x >>> 32) & (BITS - 1);
    filter[h1 >>> 6] |= 1L << h1;
    filter[h2 >>> 6] |= 1L << h2;
  }
}
