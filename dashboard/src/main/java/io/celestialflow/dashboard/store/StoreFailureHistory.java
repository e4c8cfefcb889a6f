package io.celestialflow.dashboard.store;

import io.celestialflow.TaskFailure;
import io.celestialflow.dashboard.history.FailureEntry;
import io.celestialflow.dashboard.history.FailureHistory;
import io.celestialflow.dashboard.history.FailurePage;
import io.celestialflow.dashboard.history.FailureQuery;
import io.celestialflow.dashboard.history.RecordedText;
import io.celestialflow.store.FailureRecord;
import io.celestialflow.store.FailureSummary;
import io.celestialflow.store.RunStore;
import io.celestialflow.store.StoreException;
import io.celestialflow.store.StoredTask;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * One run's failures read from a run store: searches, pages and counts are SQL queries there, so
 * they cover every failure the store recorded. Failure ids are the store's. The failures the
 * dashboard hears of are also kept in a bounded history in memory, which answers until the store
 * has committed the run (its writer is asynchronous) and for runs it does not record.
 */
final class StoreFailureHistory implements FailureHistory {
  /** How long a failure summary (the counts) is reused: the sampler asks at every update. */
  private static final long SUMMARY_NANOS = 250_000_000L;

  /** Filtered counts remembered, by filter. */
  private static final int COUNTS_KEPT = 64;

  private static final String OTHER = "(other)";

  private final RunStore store;
  private final String runId;
  private final FailureHistory memory;
  private final Map<String, List<String>> chains = new ConcurrentHashMap<>();
  private final Map<CountKey, Counted> counts =
      Collections.synchronizedMap(
          new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<CountKey, Counted> eldest) {
              return size() > COUNTS_KEPT;
            }
          });
  private volatile @Nullable Summary summary;

  private record Summary(@Nullable FailureSummary counts, long at) {}

  private record CountKey(
      @Nullable String stage,
      @Nullable String type,
      @Nullable String text,
      @Nullable Instant from,
      @Nullable Instant to) {}

  /** A count, the newest failure it includes, and the run's failure count at the time. */
  private record Counted(long count, long maxId, long total) {}

  StoreFailureHistory(RunStore store, String runId, FailureHistory memory) {
    this.store = store;
    this.runId = runId;
    this.memory = memory;
  }

  @Override
  public void record(TaskFailure failure, @Nullable String taskJson) {
    memory.record(failure, taskJson); // the store records failures itself
  }

  /**
   * The store's counts of the run, at most a quarter of a second old; null while the store does not
   * know the run (asked again at most as often).
   */
  private @Nullable FailureSummary summary() {
    Summary s = summary;
    long now = System.nanoTime();
    if (s != null && now - s.at() < SUMMARY_NANOS) {
      return s.counts();
    }
    FailureSummary counts;
    try {
      counts = store.failureSummary(runId);
    } catch (StoreException | IllegalStateException e) {
      // not committed yet, not recorded there, or the store is closed: keep what was known
      counts = s == null ? null : s.counts();
    }
    summary = new Summary(counts, now);
    return counts;
  }

  @Override
  public long count() {
    FailureSummary s = summary();
    return s == null ? memory.count() : Math.max(s.total(), memory.count());
  }

  @Override
  public Map<String, Long> countsByType(int limit) {
    FailureSummary s = summary();
    if (s == null) {
      return memory.countsByType(limit);
    }
    Map<String, Long> out = new LinkedHashMap<>();
    long other = 0;
    for (FailureSummary.Group g : s.byType()) { // largest first
      if (out.size() < limit) {
        out.put(g.key(), g.count());
      } else {
        other += g.count();
      }
    }
    if (other > 0) {
      out.put(OTHER, other);
    }
    return Collections.unmodifiableMap(out);
  }

  @Override
  public Map<String, Long> countsByStage() {
    FailureSummary s = summary();
    if (s == null) {
      return memory.countsByStage();
    }
    Map<String, Long> out = new LinkedHashMap<>();
    for (FailureSummary.Group g : s.byStage()) {
      out.put(g.key(), g.count());
    }
    return Collections.unmodifiableMap(out);
  }

  @Override
  public FailurePage search(FailureQuery q) {
    FailureSummary s = summary();
    if (s == null) {
      return memory.search(q);
    }
    try {
      return search(q, s);
    } catch (StoreException | IllegalStateException e) {
      return memory.search(q); // the store failed or was closed meanwhile
    }
  }

  private FailurePage search(FailureQuery q, FailureSummary s) {
    long total = Math.max(s.total(), memory.count());
    String type = q.type() == null ? null : qualified(q.type(), s);
    long skip = (long) (q.page() - 1) * q.size();
    if (q.type() != null && type == null) {
      return new FailurePage(List.of(), 0, total, s.total(), q.page(), q.size());
    }
    io.celestialflow.store.FailureQuery filter = filter(q, type);
    if (skip > Integer.MAX_VALUE) {
      return new FailurePage(
          List.of(), count(q, type, filter, s), total, s.total(), q.page(), q.size());
    }
    io.celestialflow.store.FailurePage page =
        store.failures(runId, filter.offset((int) skip).limit(q.size()));
    List<FailureEntry> items = new ArrayList<>(page.failures().size());
    for (FailureRecord r : page.failures()) {
      items.add(entry(r, ""));
    }
    long matched =
        !page.hasMore() && (!items.isEmpty() || skip == 0)
            ? skip + items.size()
            : count(q, type, filter, s);
    return new FailurePage(items, matched, total, s.total(), q.page(), q.size());
  }

  private static io.celestialflow.store.FailureQuery filter(FailureQuery q, @Nullable String type) {
    io.celestialflow.store.FailureQuery f = io.celestialflow.store.FailureQuery.all();
    if (q.stage() != null) {
      f = f.stage(q.stage());
    }
    if (type != null) {
      f = f.type(type);
    }
    if (q.text() != null) {
      f = f.text(q.text());
    }
    if (q.from() != null || q.to() != null) {
      f = f.between(q.from(), q.to());
    }
    return f;
  }

  /**
   * How many failures match: from the store's counters when the filter is one stage or one type (or
   * nothing), else by reading the matches in pages; remembered, and brought up to date by reading
   * only the failures recorded since.
   */
  private long count(
      FailureQuery q,
      @Nullable String type,
      io.celestialflow.store.FailureQuery filter,
      FailureSummary s) {
    boolean byCounters = q.text() == null && q.from() == null && q.to() == null;
    if (byCounters && q.stage() == null && type == null) {
      return s.total();
    }
    if (byCounters && type == null) {
      return group(s.byStage(), Objects.requireNonNull(q.stage()));
    }
    if (byCounters && q.stage() == null) {
      long n = 0;
      for (FailureSummary.Group g : s.byType()) {
        if (chain(g.key()).contains(type)) {
          n += g.count();
        }
      }
      return n;
    }
    CountKey key = new CountKey(q.stage(), type, q.text(), q.from(), q.to());
    Counted known = counts.get(key);
    if (known != null && known.total() == s.total()) {
      return known.count();
    }
    // Newest first, down to the newest failure counted before: ids only grow, so a running run's
    // count costs only its new failures.
    long seen = known == null ? 0 : known.maxId();
    long n = known == null ? 0 : known.count();
    long maxId = seen;
    int size = known == null ? io.celestialflow.store.FailureQuery.MAX_LIMIT : 500;
    counting:
    for (long cursor = 0; ; ) {
      io.celestialflow.store.FailurePage p =
          store.failures(runId, filter.offset(0).limit(size).before(cursor));
      for (FailureRecord r : p.failures()) {
        if (r.id() <= seen) {
          break counting;
        }
        maxId = Math.max(maxId, r.id());
        n++;
      }
      if (!p.hasMore()) {
        break;
      }
      cursor = p.nextCursor();
      size = io.celestialflow.store.FailureQuery.MAX_LIMIT;
    }
    counts.put(key, new Counted(n, maxId, s.total()));
    return n;
  }

  private static long group(List<FailureSummary.Group> groups, String key) {
    for (FailureSummary.Group g : groups) {
      if (g.key().equals(key)) {
        return g.count();
      }
    }
    return 0;
  }

  /**
   * The fully qualified name the store searches by: the name itself if qualified, else the class of
   * that simple name among the run's exception types and their supertypes (the one covering most
   * failures, if several share it); null if none has it.
   */
  private @Nullable String qualified(String type, FailureSummary s) {
    if (type.indexOf('.') >= 0) {
      return type;
    }
    Map<String, Long> candidates = new LinkedHashMap<>();
    for (FailureSummary.Group g : s.byType()) {
      for (String name : chain(g.key())) {
        if (name.equals(type) || name.endsWith("." + type) || name.endsWith("$" + type)) {
          candidates.merge(name, g.count(), Long::sum);
        }
      }
    }
    return candidates.entrySet().stream()
        .max(Map.Entry.comparingByValue())
        .map(Map.Entry::getKey)
        .orElse(null);
  }

  /** An exception type and its supertypes, most specific first, from one stored failure of it. */
  private List<String> chain(String type) {
    List<String> known = chains.get(type);
    if (known != null) {
      return known;
    }
    io.celestialflow.store.FailurePage p =
        store.failures(runId, io.celestialflow.store.FailureQuery.all().type(type).limit(1));
    List<String> chain =
        p.failures().isEmpty() ? List.of(type) : p.failures().get(0).exceptionTypes();
    chains.put(type, chain);
    return chain;
  }

  @Override
  public Optional<FailureEntry> find(long id) {
    if (summary() == null) {
      return memory.find(id);
    }
    if (id < 1 || id == Long.MAX_VALUE) {
      return Optional.empty();
    }
    try {
      io.celestialflow.store.FailurePage p =
          store.failures(runId, io.celestialflow.store.FailureQuery.all().before(id + 1).limit(1));
      if (p.failures().isEmpty() || p.failures().get(0).id() != id) {
        return Optional.empty();
      }
      return Optional.of(entry(p.failures().get(0), store.stackTrace(id).orElse("")));
    } catch (StoreException | IllegalStateException e) {
      return memory.find(id);
    }
  }

  /** {@inheritDoc} With the store: the newest of those failures, oldest of them first. */
  @Override
  public List<FailureEntry> after(long afterId, int max) {
    if (summary() == null) {
      return memory.after(afterId, max);
    }
    List<FailureEntry> out = new ArrayList<>();
    for (FailureEntry e : newest(max)) {
      if (e.id() > afterId) {
        out.add(e);
      }
    }
    return out;
  }

  @Override
  public List<FailureEntry> newest(int max) {
    if (max < 1) {
      return List.of();
    }
    if (summary() == null) {
      return memory.newest(max);
    }
    io.celestialflow.store.FailurePage p;
    try {
      p =
          store.failures(
              runId,
              io.celestialflow.store.FailureQuery.all()
                  .limit(Math.min(max, io.celestialflow.store.FailureQuery.MAX_LIMIT)));
    } catch (StoreException | IllegalStateException e) {
      return memory.newest(max);
    }
    List<FailureEntry> out = new ArrayList<>(p.failures().size());
    for (FailureRecord r : p.failures()) {
      out.add(entry(r, ""));
    }
    Collections.reverse(out);
    return out;
  }

  /**
   * A stored failure as the dashboard lists it: the task as its JSON (decoded with the stage's
   * codec on retry), or as {@link RecordedText} when the store has only its text.
   */
  static FailureEntry entry(FailureRecord r, String stackTrace) {
    StoredTask t = r.task();
    Object task =
        t.isJson() ? t.json() : new RecordedText(t.json(), t.unserialisableNote().orElse(""));
    List<String> types = r.exceptionTypes().isEmpty() ? List.of("unknown") : r.exceptionTypes();
    TaskFailure failure =
        TaskFailure.of(
            r.stage(),
            task,
            r.taskId(),
            types,
            r.message(),
            stackTrace,
            Math.max(1, r.attempts()),
            r.failedAt());
    return new FailureEntry(r.id(), failure, t.isJson() ? t.json() : null);
  }

  @Override
  public void close() {
    memory.close();
  }

  @Override
  public String toString() {
    return "StoreFailureHistory[" + runId + " in " + store.file() + "]";
  }
}
