package io.celestialflow.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    List<long[]> ranges = q.text() == null ? null : textRanges(c, q.text());
    if (ranges == null) {
      try (PreparedStatement p = select(c, run, q, want, q.offset(), 0, 0)) {
        read(p, runId, out, want, 0);
      }
    } else {
      // The id ranges whose blocks may hold the text, newest first: the page is read range by
      // range, skipping the offset's rows across them.
      int skip = q.offset();
      for (long[] range : ranges) {
        try (PreparedStatement p =
            select(c, run, q, want - out.size() + skip, 0, range[0], range[1])) {
          skip = read(p, runId, out, want, skip);
        }
        if (out.size() == want) {
          break;
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

  /** Beyond this many candidate ranges a text search scans instead (the text is common anyway). */
  private static final int MAX_RANGES = 256;

  /**
   * The failure id ranges ({@code [low, high]}, newest first) that may hold {@code text} in a
   * message or task, from the text blocks' filters; null when none can be ruled out usefully (a
   * text shorter than three characters, or one that may be in most blocks), and the query scans.
   */
  static @Nullable List<long[]> textRanges(Connection c, String text) throws SQLException {
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
    List<long[]> ranges = new ArrayList<>();
    int blocks = 0;
    int candidates = 0;
    try (PreparedStatement p =
        c.prepareStatement("SELECT block, bits FROM text_blocks ORDER BY block DESC")) {
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          blocks++;
          if (!TextBlocks.mayContain(r.getBytes(2), mask)) {
            continue;
          }
          candidates++;
          long block = r.getLong(1);
          long low = Math.max(indexedFrom, block << TextBlocks.SHIFT);
          long high = ((block + 1) << TextBlocks.SHIFT) - 1;
          long[] last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
          if (last != null && last[0] == high + 1) {
            last[0] = low;
          } else {
            ranges.add(new long[] {low, high});
          }
        }
      }
    }
    if (candidates * 2 > blocks || ranges.size() > MAX_RANGES) {
      return null;
    }
    if (indexedFrom > 1) {
      ranges.add(new long[] {1, indexedFrom - 1}); // written before the index existed
    }
    return ranges;
  }

  /**
   * A statement selecting the query's failures, newest first; {@code limit} -1 for all. Exception
   * types are resolved to their ids first (a handful of rows), so that the failures table is read
   * through one index in id order and the scan stops once the page is full.
   */
  static PreparedStatement select(Connection c, long run, FailureQuery q, int limit, int offset)
      throws SQLException {
    return select(c, run, q, limit, offset, 0, 0);
  }

  /**
   * As {@link #select(Connection, long, FailureQuery, int, int)}, within ids [low, high] if low >
   * 0.
   */
  static PreparedStatement select(
      Connection c, long run, FailureQuery q, int limit, int offset, long low, long high)
      throws SQLException {
    StringBuilder sql =
        new StringBuilder("SELECT ")
            .append(COLUMNS)
            .append(" FROM failures f ")
            .append(access(q))
            .append(" JOIN error_types t ON t.id = f.type WHERE f.run = ?");
    List<Object> args = new ArrayList<>();
    args.add(run);
    if (q.stage() != null) {
      sql.append(" AND f.stage = ?");
      args.add(q.stage());
    }
    if (q.type() != null) {
      long[] types = typeIds(c, q.type());
      if (types.length == 0) {
        sql.append(" AND 0");
      } else {
        sql.append(" AND f.type IN (");
        for (int i = 0; i < types.length; i++) {
          sql.append(i == 0 ? "?" : ", ?");
          args.add(types[i]);
        }
        sql.append(")");
      }
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
    if (low > 0) {
      sql.append(" AND f.id BETWEEN ? AND ?");
      args.add(low);
      args.add(high);
    }
    sql.append(" ORDER BY f.id DESC LIMIT ? OFFSET ?");
    args.add(limit);
    args.add(offset);
    PreparedStatement p = c.prepareStatement(sql.toString());
    for (int i = 0; i < args.size(); i++) {
      p.setObject(i + 1, args.get(i));
    }
    return p;
  }

  /**
   * How the query reads the failures table, newest first: through the stage or type index when it
   * filters on those, else by scanning the table backwards from the newest row (or from the {@code
   * before} cursor), which reads a recent run's failures in order and stops once the page is full.
   */
  private static String access(FailureQuery q) {
    if (q.stage() != null) {
      return "INDEXED BY failures_stage";
    }
    if (q.type() != null) {
      return "INDEXED BY failures_type";
    }
    return "NOT INDEXED";
  }

  private static long[] typeIds(Connection c, String type) throws SQLException {
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
