package io.celestialflow.dashboard.internal;

import io.celestialflow.dashboard.history.FailureEntry;
import io.celestialflow.dashboard.history.FailurePage;
import io.celestialflow.dashboard.history.FailureQuery;
import io.celestialflow.dashboard.internal.Views.FailurePageView;
import io.celestialflow.dashboard.internal.Views.FailureView;
import io.celestialflow.dashboard.internal.Views.RunSummary;
import io.undertow.server.HttpServerExchange;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The read-only routes: runs, one run's status, topology, history and failures. */
final class ReadRoutes {
  private final RunRegistry registry;
  private final Map<String, Object> info;

  ReadRoutes(RunRegistry registry, Map<String, Object> info) {
    this.registry = registry;
    this.info = Map.copyOf(info);
  }

  /** {@code GET /api/info}: the server's settings the page needs. */
  void info(HttpServerExchange exchange) {
    Http.json(exchange, 200, info);
  }

  /** {@code GET /api/runs}: every run, newest first. */
  void runs(HttpServerExchange exchange) {
    int limit = Http.intQuery(exchange, "limit", Integer.MAX_VALUE);
    List<RunSummary> out = new ArrayList<>();
    for (TrackedRun run : registry.newestFirst()) {
      if (out.size() >= limit) {
        break;
      }
      out.add(run.summary());
    }
    Http.json(exchange, 200, out);
  }

  /** {@code GET /api/runs/{id}}: the status snapshot. */
  void run(HttpServerExchange exchange) {
    Http.json(exchange, 200, run(exchange, "id").view());
  }

  /** {@code GET /api/runs/{id}/topology}: the graph's analysed structure. */
  void topology(HttpServerExchange exchange) {
    Http.text(exchange, 200, run(exchange, "id").topologyJson());
  }

  /** {@code GET /api/runs/{id}/history}: figures over time for the charts. */
  void history(HttpServerExchange exchange) {
    Http.json(exchange, 200, run(exchange, "id").series());
  }

  /** {@code GET /api/runs/{id}/failures?stage=&type=&q=&from=&to=&page=&size=}: the error log. */
  void failures(HttpServerExchange exchange) {
    TrackedRun run = run(exchange, "id");
    FailureQuery query = query(exchange);
    FailurePage page = run.failures().search(query);
    List<FailureView> items = new ArrayList<>(page.items().size());
    for (FailureEntry e : page.items()) {
      items.add(FailureViews.view(e));
    }
    Http.json(
        exchange,
        200,
        new FailurePageView(
            items,
            page.matched(),
            page.total(),
            page.searchable(),
            page.page(),
            page.size(),
            run.failures().countsByStage(),
            run.failures().countsByType(50)));
  }

  /** {@code GET /api/runs/{id}/failures/{fid}}: one failure with its stack trace and task JSON. */
  void failure(HttpServerExchange exchange) {
    TrackedRun run = run(exchange, "id");
    long fid = failureId(Http.pathParam(exchange, "fid"));
    FailureEntry e =
        run.failures()
            .find(fid)
            .orElseThrow(() ->
                ApiException.notFound(
                    "no failure "
                        + fid
                        + " in this run's history (without a run store, only the newest are"
                        + " kept)"));
    Http.json(exchange, 200, FailureViews.detail(e, run.control()));
  }

  static long failureId(String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("a failure id is a number, not '" + text + "'");
    }
  }

  private TrackedRun run(HttpServerExchange exchange, String param) {
    return registry.require(Http.pathParam(exchange, param));
  }

  /** The search criteria of a request's query string. */
  static FailureQuery query(HttpServerExchange exchange) {
    try {
      return new FailureQuery(
          Http.query(exchange, "stage"),
          Http.query(exchange, "type"),
          Http.query(exchange, "q"),
          time(Http.query(exchange, "from"), "from"),
          time(Http.query(exchange, "to"), "to"),
          Http.intQuery(exchange, "page", 1),
          Http.intQuery(exchange, "size", FailureQuery.DEFAULT_PAGE_SIZE));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(String.valueOf(e.getMessage()));
    }
  }

  /** A time given as epoch milliseconds or ISO-8601 ({@code 2026-01-02T03:04:05Z}). */
  static @Nullable Instant time(@Nullable String text, String name) {
    if (text == null) {
      return null;
    }
    try {
      return Instant.ofEpochMilli(Long.parseLong(text.strip()));
    } catch (NumberFormatException e) {
      try {
        return Instant.parse(text.strip());
      } catch (DateTimeParseException e2) {
        throw ApiException.badRequest(
            name + " must be epoch milliseconds or an ISO-8601 instant, not '" + text + "'");
      }
    }
  }
}
