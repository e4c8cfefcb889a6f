package io.celestialflow.dashboard.history;

import io.celestialflow.TaskFailure;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * The default {@link FailureHistory}: a ring of the most recent failures plus counters for all of
 * them. Recording is lock-free (one slot write and two counter increments), so it costs engine
 * threads next to nothing; searches scan the ring, at most {@code capacity} entries.
 */
final class MemoryFailureHistory implements FailureHistory {
  /** Distinct exception types counted by name; further ones are counted under OTHER. */
  private static final int MAX_TYPES = 256;

  private static final String OTHER = "(other)";

  private final int capacity;
  private final AtomicReferenceArray<@Nullable FailureEntry> ring;
  private final AtomicLong seq = new AtomicLong();
  private final Map<String, LongAdder> byType = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> byStage = new ConcurrentHashMap<>();

  MemoryFailureHistory(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    this.capacity = capacity;
    this.ring = new AtomicReferenceArray<>(capacity);
  }

  @Override
  public void record(TaskFailure failure, @Nullable String taskJson) {
    long id = seq.incrementAndGet();
    ring.set(slot(id), new FailureEntry(id, failure, taskJson));
    count(byStage, failure.stage());
    String type = failure.exceptionType();
    if (byType.size() >= MAX_TYPES && !byType.containsKey(type)) {
      type = OTHER;
    }
    count(byType, type);
  }

  private static void count(Map<String, LongAdder> counts, String key) {
    counts.computeIfAbsent(key, k -> new LongAdder()).increment();
  }

  private int slot(long id) {
    return (int) (id % capacity);
  }

  @Override
  public long count() {
    return seq.get();
  }

  @Override
  public Map<String, Long> countsByType(int limit) {
    List<Map.Entry<String, Long>> sorted = new ArrayList<>();
    byType.forEach((k, v) -> sorted.add(Map.entry(k, v.sum())));
    sorted.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()));
    Map<String, Long> out = new LinkedHashMap<>();
    long other = 0;
    for (Map.Entry<String, Long> e : sorted) {
      if (out.size() < limit && !e.getKey().equals(OTHER)) {
        out.put(e.getKey(), e.getValue());
      } else {
        other += e.getValue();
      }
    }
    if (other > 0) {
      out.put(OTHER, other);
    }
    return Collections.unmodifiableMap(out);
  }

  @Override
  public Map<String, Long> countsByStage() {
    Map<String, Long> out = new LinkedHashMap<>();
    byStage.forEach((k, v) -> out.put(k, v.sum()));
    return Collections.unmodifiableMap(out);
  }

  @Override
  public FailurePage search(FailureQuery query) {
    long last = seq.get();
    long first = Math.max(1, last - capacity + 1);
    long skip = (long) (query.page() - 1) * query.size();
    long matched = 0;
    long searchable = 0;
    List<FailureEntry> items = new ArrayList<>(Math.min(query.size(), capacity));
    for (long id = last; id >= first; id--) {
      FailureEntry e = ring.get(slot(id));
      if (e == null || e.id() != id) {
        continue; // overwritten by a newer failure meanwhile, or not written yet
      }
      searchable++;
      if (!query.matches(e)) {
        continue;
      }
      if (matched >= skip && items.size() < query.size()) {
        items.add(e);
      }
      matched++;
    }
    return new FailurePage(items, matched, last, searchable, query.page(), query.size());
  }

  @Override
  public Optional<FailureEntry> find(long id) {
    if (id < 1 || id > seq.get()) {
      return Optional.empty();
    }
    FailureEntry e = ring.get(slot(id));
    return e != null && e.id() == id ? Optional.of(e) : Optional.empty();
  }

  @Override
  public List<FailureEntry> after(long afterId, int max) {
    long last = seq.get();
    long start = Math.max(afterId + 1, Math.max(1, last - capacity + 1));
    List<FailureEntry> out = new ArrayList<>();
    for (long id = start; id <= last && out.size() < max; id++) {
      FailureEntry e = ring.get(slot(id));
      if (e != null && e.id() == id) {
        out.add(e);
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "MemoryFailureHistory[" + count() + " failures, keeps " + capacity + "]";
  }
}
