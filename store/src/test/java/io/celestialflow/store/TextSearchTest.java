package io.celestialflow.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text search through the text blocks ({@link TextBlocks}) finds exactly what a scan with SQLite's
 * {@code LIKE} finds: a case-insensitive (ASCII letters only) substring of the message or the task,
 * with {@code %} and {@code _} taken literally; rare, absent, common and short texts; pages by
 * offset and by cursor across the blocks.
 */
@Timeout(60)
class TextSearchTest {
  private static final List<String> TYPES =
      List.of("java.lang.IllegalStateException", "java.lang.RuntimeException");
  private static final String[] WORDS = {
    "Timeout", "refused", "MALFORMED", "café", "CAFÉ", "50%_off", "a_b", "x%y", "ünïcode", "zeta"
  };
  private static final int N = 6000;

  @TempDir Path dir;

  private final List<String> messages = new ArrayList<>();

  private void load() {
    Random random = new Random(7);
    try (StoreBenchAccess access = new StoreBenchAccess(dir)) {
      access.startRun("r");
      for (int i = 0; i < N; i++) {
        String m =
            WORDS[random.nextInt(WORDS.length)]
                + " item "
                + i
                + (i % 997 == 0 ? " Needle-" + i : "")
                + " "
                + WORDS[random.nextInt(3)];
        messages.add(m);
        access.failure(
            "r",
            StoreBenchAccess.failure(
                "s",
                i,
                TYPES,
                m,
                TYPES.get(0) + ": " + m + "\n\tat a.B.c(B.java:1)",
                Instant.EPOCH));
      }
      access.flush("r");
    }
  }

  /** ASCII-only case folding, as SQLite's LIKE. */
  private static String fold(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      b.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
    }
    return b.toString();
  }

  /** The ids (newest first) a LIKE scan finds; task i is the JSON number i, failure id i + 1. */
  private List<Long> expected(String text) {
    List<Long> ids = new ArrayList<>();
    String t = fold(text);
    for (int i = N - 1; i >= 0; i--) {
      if (fold(messages.get(i)).contains(t) || Integer.toString(i).contains(t)) {
        ids.add((long) i + 1);
      }
    }
    return ids;
  }

  private static List<Long> ids(FailurePage page) {
    return page.failures().stream().map(FailureRecord::id).toList();
  }

  @Test
  void findsWhatLikeFinds() {
    load();
    try (RunStore store = RunStore.open(dir)) {
      for (String text :
          List.of(
              "needle-1994",
              "NEEDLE",
              "no such thing",
              "timeout",
              "TIMEOUT",
              "café",
              "CAFÉ",
              "cafÉ",
              "50%_",
              "%_o",
              "a_b",
              "x%y",
              "ünï",
              "ÜNÏ",
              "item 4242 ",
              "4242",
              "zz",
              "a",
              "_",
              "%",
              "ab",
              "tem 59")) {
        FailureQuery q = FailureQuery.all().text(text).limit(FailureQuery.MAX_LIMIT);
        assertThat(ids(store.failures("r", q))).as(text).isEqualTo(expected(text));
      }
    }
  }

  @Test
  void pagesAcrossBlocksByOffsetAndCursor() {
    load();
    try (RunStore store = RunStore.open(dir)) {
      String text = "needle";
      List<Long> all = expected(text);
      assertThat(all).hasSizeGreaterThan(5);
      for (int offset = 0; offset <= all.size(); offset++) {
        FailurePage page =
            store.failures("r", FailureQuery.all().text(text).offset(offset).limit(2));
        assertThat(ids(page)).isEqualTo(all.subList(offset, Math.min(all.size(), offset + 2)));
        assertThat(page.hasMore()).isEqualTo(offset + 2 < all.size());
      }
      List<Long> walked = new ArrayList<>();
      FailurePage page = store.failures("r", FailureQuery.all().text(text).limit(2));
      walked.addAll(ids(page));
      while (page.hasMore()) {
        page =
            store.failures("r", FailureQuery.all().text(text).limit(2).before(page.nextCursor()));
        walked.addAll(ids(page));
      }
      assertThat(walked).isEqualTo(all);
    }
  }

  @Test
  void failuresWrittenBeforeTheIndexExistedAreStillFound() throws Exception {
    load();
    // As if the first half had been written by a build without text blocks.
    try (Connection c =
            DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(StoreFile.FILE_NAME));
        Statement s = c.createStatement()) {
      s.executeUpdate("DELETE FROM text_blocks WHERE block < " + (N / 2 >> TextBlocks.SHIFT));
      s.executeUpdate(
          "UPDATE meta SET value = '"
              + ((N / 2 >> TextBlocks.SHIFT) << TextBlocks.SHIFT)
              + "' WHERE key = 'text_index_from'");
    }
    try (RunStore store = RunStore.open(dir)) {
      for (String text : List.of("needle-997", "needle-4985", "needle", "no such thing")) {
        FailureQuery q = FailureQuery.all().text(text).limit(FailureQuery.MAX_LIMIT);
        assertThat(ids(store.failures("r", q))).as(text).isEqualTo(expected(text));
      }
    }
  }
}
