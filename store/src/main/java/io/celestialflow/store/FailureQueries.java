package io.celestialflow.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** The SQL behind the failure queries. */
final class FailureQueries {
  private static final String COLUMNS =
      "f.id, f.stage, f.task_id, f.task, f.task_type, f.task_note, t.chain, f.message,"
          + " f.attempts, f.failed_at";

  private FailureQueries() {}

  static FailureSummary summary(Connection c, long run) throws SQLException {
    Map<String, Long> byStage = new LinkedHashMap<>();
    Map<String, Long> byType = new LinkedHashMap<>();
    long total = 0;
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT fc.stage, t.name, fc.count FROM failure_counts fc"
                + " JOIN error_types t ON t.id = fc.type WHERE fc.run = ?")) {
      p.setLong(1, run);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          long n = r.getLong(3);
          byStage.merge(r.getString(1), n, Long::sum);
          byType.merge(r.getString(2), n, Long::sum);
          total += n;
        }
      }
    }
    return new FailureSummary(total, groups(byStage), groups(byType));
  }

  private static List<FailureSummary.Group> groups(Map<String, Long> counts) {
    List<FailureSummary.Group> out = new ArrayList<>();
    counts.forEach((k, v) -> out.add(new FailureSummary.Group(k, v)));
    out.sort((a, b) ->
        a.count() != b.count() ? Long.compare(b.count(), a.count()) : a.key().compareTo(b.key()));
    return out;
  }

  static FailurePage page(Connection c, String runId, long run, FailureQuery q)
      throws SQLException {
    List<FailureRecord> out = new ArrayList<>();
    int want = q.limit() + 1;
    long @Nullable [] types = q.type() == null ? null : typeIds(c, q.type());
    if (types == null || types.length > 0) {
      // The page is read range by range, newest first, skipping the offset's rows across them: a
      // range whose exact count the offset passes over is skipped without being read.
      int skip = q.offset();
      try (PreparedStatement p = select(c, run, q, types, true)) {
        int bound = p.getParameterMetaData().getParameterCount() - 3;
        for (FailureBlocks.Range range : ranges(c, run, q, types)) {
          if (range.exact() && range.count() <= skip) {
            skip -= (int) range.count();
            continue;
          }
          p.setLong(bound + 1, range.low());
          p.setLong(bound + 2, range.high());
          p.setInt(bound + 3, want - out.size() + skip);
          skip = read(p, runId, out, want, skip);
          if (out.size() == want) {
            break;
          }
        }
      }
    }
    boolean more = out.size() > q.limit();
    if (more) {
      out.remove(out.size() - 1);
    }
    long cursor = out.isEmpty() ? 0 : out.get(out.size() - 1).id();
    return new FailurePage(out, more, cursor);
  }

  /**
   * Reads rows into {@code out} up to {@code want}, first skipping {@code skip}; returns the skips
   * left.
   */
  private static int read(
      PreparedStatement p, String runId, List<FailureRecord> out, int want, int skip)
      throws SQLException {
    try (ResultSet r = p.executeQuery()) {
      while (out.size() < want && r.next()) {
        if (skip > 0) {
          skip--;
        } else {
          out.add(record(r, runId));
        }
      }
    }
    return skip;
  }

  /**
   * The id ranges a page of the query is read from, newest first, below its cursor: the blocks
   * holding the run's failures of its stage, types and time window ({@link FailureBlocks}) when it
   * asks for any of those, else all ids; less those whose text filters rule out its text.
   */
  private static List<FailureBlocks.Range> ranges(
      Connection c, long run, FailureQuery q, long @Nullable [] types) throws SQLException {
    Instant from = q.from();
    Instant to = q.to();
    TextCandidates text = q.text() == null ? null : textCandidates(c, q.text());
    List<FailureBlocks.Range> candidates;
    if (q.stage() != null || types != null || from != null || to != null) {
      candidates =
          FailureBlocks.ranges(
              c,
              run,
              q.stage(),
              types,
              from == null ? null : from.toEpochMilli(),
              to == null ? null : to.toEpochMilli());
      if (text != null) {
        candidates =
            candidates.stream().filter(r -> text.mayHold(r.low() >> TextBlocks.SHIFT)).toList();
      }
    } else if (text != null) {
      candidates = text.ranges();
    } else {
      candidates = List.of(new FailureBlocks.Range(1, Long.MAX_VALUE, -1));
    }
    // Ranges are kept block by block (not merged) so that an offset skips whole blocks.
    long below = q.before() > 0 ? q.before() : Long.MAX_VALUE;
    List<FailureBlocks.Range> out = new ArrayList<>();
    for (FailureBlocks.Range r : candidates) {
      if (r.low() >= below) {
        continue;
      }
      // A count is of the block's failures of the stage, types and time: not of those with the
      // text.
      boolean exact = r.exact() && q.text() == null && r.high() < below;
      out.add(
          new FailureBlocks.Range(r.low(), Math.min(r.high(), below - 1), exact ? r.count() : -1));
    }
    return out;
  }

  /**
   * The blocks whose text filters do not rule out a text ({@link TextBlocks}), and the first
   * failure id the filters cover: failures written before (by a build without them) may hold any
   * text.
   */
  record TextCandidates(Set<Long> blocks, long indexedFrom) {
    /** Whether block {@code block} may hold the text. */
    boolean mayHold(long block) {
      return block << TextBlocks.SHIFT < indexedFrom || blocks.contains(block);
    }

    /** The candidate blocks as ranges, newest first, then the failures the filters do not cover. */
    List<FailureBlocks.Range> ranges() {
      List<FailureBlocks.Range> out = new ArrayList<>();
      blocks.stream()
          .sorted(Comparator.reverseOrder())
          .forEach(b ->
              out.add(
                  new FailureBlocks.Range(
                      Math.max(indexedFrom, b << TextBlocks.SHIFT),
                      ((b + 1) << TextBlocks.SHIFT) - 1,
                      -1)));
      if (indexedFrom > 1) {
        out.add(new FailureBlocks.Range(1, indexedFrom - 1, -1));
      }
      return out;
    }
  }

  /**
   * The blocks that may hold {@code text} in a message or task, from the text blocks' filters; null
   * when none can be ruled out usefully (a text shorter than three characters, or one that may be
   * in most blocks), and the query reads every block.
   */
  static @Nullable TextCandidates textCandidates(Connection c, String text) throws SQLException {
    long[] mask = TextBlocks.mask(text);
    if (mask == null) {
      return null;
    }
    long indexedFrom = 1;
    try (PreparedStatement p =
        c.prepareStatement("SELECT value FROM meta WHERE key = 'text_index_from'")) {
      try (ResultSet r = p.executeQuery()) {
        if (r.next()) {
          indexedFrom = Long.parseLong(r.getString(1));
        }
      }
    }
    Set<Long> candidates = new HashSet<>();
    int blocks = 0;
    try (PreparedStatement p = c.prepareStatement("SELECT block, bits FROM text_blocks")) {
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          blocks++;
          if (TextBlocks.mayContain(r.getBytes(2), mask)) {
            candidates.add(r.getLong(1));
          }
        }
      }
    }
    return candidates.size() * 2 > blocks ? null : new TextCandidates(candidates, indexedFrom);
  }

  /**
   * A statement selecting the query's failures of run {@code run}, newest first ({@code types}: the
   * ids of its exception type and subtypes, null for any). {@code ranged}: the last three
   * parameters are left to bind, the lowest and highest id to read and the most rows to read;
   * otherwise it reads them all. The failures table is read in id order, so the read stops once a
   * page is full.
   */
  static PreparedStatement select(
      Connection c, long run, FailureQuery q, long @Nullable [] types, boolean ranged)
      throws SQLException {
    StringBuilder sql =
        new StringBuilder("SELECT ")
            .append(COLUMNS)
            .append(" FROM failures f CROSS JOIN error_types t ON t.id = f.type WHERE f.run = ?");
    List<Object> args = new ArrayList<>();
    args.add(run);
    if (q.stage() != null) {
      sql.append(" AND f.stage = ?");
      args.add(q.stage());
    }
    if (types != null) {
      sql.append(" AND f.type");
      Sql.appendIn(sql, args, types);
    }
    if (q.text() != null) {
      sql.append(" AND (f.message LIKE ? ESCAPE '\\' OR f.task LIKE ? ESCAPE '\\')");
      String like = "%" + escape(q.text()) + "%";
      args.add(like);
      args.add(like);
    }
    Instant from = q.from();
    if (from != null) {
      sql.append(" AND f.failed_at >= ?");
      args.add(from.toEpochMilli());
    }
    Instant to = q.to();
    if (to != null) {
      sql.append(" AND f.failed_at < ?");
      args.add(to.toEpochMilli());
    }
    if (q.before() > 0) {
      sql.append(" AND f.id < ?");
      args.add(q.before());
    }
    sql.append(
        ranged ? " AND f.id BETWEEN ? AND ? ORDER BY f.id DESC LIMIT ?" : " ORDER BY f.id DESC");
    return Sql.prepare(c, sql, args);
  }

  /** The ids of exception type {@code type} and its subtypes that failures were stored with. */
  static long[] typeIds(Connection c, String type) throws SQLException {
    List<Long> ids = new ArrayList<>();
    try (PreparedStatement p =
        c.prepareStatement("SELECT type FROM error_supertypes WHERE super = ?")) {
      p.setString(1, type);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          ids.add(r.getLong(1));
        }
      }
    }
    long[] out = new long[ids.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ids.get(i);
    }
    Arrays.sort(out);
    return out;
  }

  static String escape(String text) {
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  static FailureRecord record(ResultSet r, String runId) throws SQLException {
    return new FailureRecord(
        r.getLong(1),
        runId,
        r.getString(2),
        r.getLong(3),
        new StoredTask(r.getString(2), r.getString(4), r.getString(5), r.getString(6)),
        List.of(r.getString(7).split("\n")),
        r.getString(8),
        r.getInt(9),
        Instant.ofEpochMilli(r.getLong(10)));
  }

  static Optional<String> stackTrace(Connection c, long failureId) throws SQLException {
    try (PreparedStatement p =
        c.prepareStatement(
            "SELECT f.head, tr.body, t.name, f.message FROM failures f"
                + " JOIN traces tr ON tr.id = f.trace JOIN error_types t ON t.id = f.type"
                + " WHERE f.id = ?")) {
      p.setLong(1, failureId);
      try (ResultSet r = p.executeQuery()) {
        if (!r.next()) {
          return Optional.empty();
        }
        return Optional.of(
            TraceText.join(r.getString(1), r.getString(2), r.getString(3), r.getString(4)));
      }
    }
  }
}
