package io.celestialflow.dashboard.internal;

import io.undertow.server.handlers.sse.ServerSentEventConnection;
import io.undertow.server.handlers.sse.ServerSentEventConnectionCallback;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The browsers watching each run, over Server-Sent Events. Sends never block: Undertow queues them
 * and writes on its IO threads; a client that falls behind by more than {@value #MAX_BEHIND} events
 * skips updates until it catches up (each status event holds the full state, so skipping loses
 * nothing but intermediate steps), so a slow browser costs bounded memory.
 */
final class EventHub implements ServerSentEventConnectionCallback {
  /** Events a client may have in flight before further updates skip it. */
  static final int MAX_BEHIND = 16;

  private static final long KEEP_ALIVE_MS = 15_000;

  private final RunRegistry registry;
  private final Map<String, Set<Client>> clients = new ConcurrentHashMap<>();
  private final long defaultIntervalNanos;

  /** One browser watching one run. */
  private static final class Client implements ServerSentEventConnection.EventCallback {
    final ServerSentEventConnection connection;
    final long minIntervalNanos;
    final AtomicInteger inFlight = new AtomicInteger();
    volatile long lastStatus;

    Client(ServerSentEventConnection connection, long minIntervalNanos) {
      this.connection = connection;
      this.minIntervalNanos = minIntervalNanos;
    }

    void send(String event, String data) {
      inFlight.incrementAndGet();
      connection.send(data, event, null, this);
    }

    @Override
    public void done(
        ServerSentEventConnection c,
        @Nullable String data,
        @Nullable String event,
        @Nullable String id) {
      inFlight.decrementAndGet();
    }

    @Override
    public void failed(
        ServerSentEventConnection c,
        @Nullable String data,
        @Nullable String event,
        @Nullable String id,
        java.io.@Nullable IOException e) {
      inFlight.decrementAndGet();
    }
  }

  EventHub(RunRegistry registry, long defaultIntervalMs) {
    this.registry = registry;
    this.defaultIntervalNanos = TimeUnit.MILLISECONDS.toNanos(defaultIntervalMs);
  }

  @Override
  public void connected(ServerSentEventConnection connection, @Nullable String lastEventId) {
    String runId = connection.getParameter("id");
    TrackedRun run = runId == null ? null : registry.get(runId);
    if (run == null) {
      connection.shutdown();
      return;
    }
    long interval = defaultIntervalNanos;
    String asked = first(connection.getQueryParameters().get("interval"));
    if (asked != null) {
      try {
        interval = Math.max(interval, TimeUnit.MILLISECONDS.toNanos(Long.parseLong(asked)));
      } catch (NumberFormatException e) {
        // keep the default
      }
    }
    Client client = new Client(connection, interval - interval / 10);
    connection.setKeepAliveTime(KEEP_ALIVE_MS);
    Set<Client> set = clients.computeIfAbsent(run.runId(), k -> ConcurrentHashMap.newKeySet());
    set.add(client);
    connection.addCloseTask(c -> set.remove(client));
    client.lastStatus = System.nanoTime();
    client.send("status", Http.GSON.toJson(run.view()));
    if (run.isEnded()) {
      client.send("end", Http.GSON.toJson(run.view()));
    }
  }

  private static @Nullable String first(java.util.@Nullable Deque<String> values) {
    return values == null ? null : values.peekFirst();
  }

  /** Whether anyone watches a run: snapshots are serialised only for watched runs. */
  boolean watched(String runId) {
    Set<Client> set = clients.get(runId);
    return set != null && !set.isEmpty();
  }

  /**
   * Sends an event to every client of a run.
   *
   * @param runId the run
   * @param event the event name
   * @param data the JSON
   * @param always false for status updates, which respect each client's interval and backlog
   */
  void publish(String runId, String event, String data, boolean always) {
    Set<Client> set = clients.get(runId);
    if (set == null) {
      return;
    }
    long now = System.nanoTime();
    for (Client c : set) {
      if (!c.connection.isOpen()) {
        set.remove(c);
        continue;
      }
      if (!always) {
        if (now - c.lastStatus < c.minIntervalNanos || c.inFlight.get() >= MAX_BEHIND) {
          continue;
        }
        c.lastStatus = now;
      } else if (c.inFlight.get() >= MAX_BEHIND * 4) {
        continue;
      }
      c.send(event, data);
    }
  }

  /** Disconnects the clients of a run that is forgotten. */
  void forget(String runId) {
    Set<Client> set = clients.remove(runId);
    if (set != null) {
      set.forEach(c -> c.connection.shutdown());
    }
  }

  int clientCount() {
    int n = 0;
    for (Set<Client> set : clients.values()) {
      n += set.size();
    }
    return n;
  }

  void closeAll() {
    for (String runId : clients.keySet()) {
      forget(runId);
    }
  }
}
