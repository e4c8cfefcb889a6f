package io.celestialflow.dashboard.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.celestialflow.dashboard.history.FailureEntry;
import io.celestialflow.dashboard.history.FailurePage;
import io.celestialflow.dashboard.history.FailureQuery;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The routes that act on a run: inject, retry, close inputs, cancel. The guard in front of them has
 * already checked the token, the CSRF header and the read-only flag; here every request is checked
 * in full before anything reaches the run, so a bad request leaves the run as it was.
 */
final class ControlRoutes {
  /** Tasks one inject request may carry. */
  static final int MAX_TASKS = 10_000;

  /** Failures one retry request may re-inject. */
  static final int MAX_RETRIES = 100_000;

  private final RunRegistry registry;
  private final int bodyLimit;

  ControlRoutes(RunRegistry registry, int bodyLimit) {
    this.registry = registry;
    this.bodyLimit = bodyLimit;
  }

  /** {@code POST /api/runs/{id}/inject} with {@code {"stage": S, "task": T}} or {@code "tasks"}. */
  void inject(HttpServerExchange exchange) throws IOException {
    TrackedRun run = registry.require(Http.pathParam(exchange, "id"));
    JsonObject body = Http.readObject(exchange, bodyLimit);
    String stage = string(body, "stage");
    if (stage == null) {
      throw ApiException.badRequest("give the stage: {\"stage\": \"name\", \"task\": ...}");
    }
    if (!run.shape().has(stage)) {
      throw ApiException.notFound(
          "no stage named '" + stage + "' in graph '" + run.graph() + "' " + run.shape().names());
    }
    List<JsonElement> tasks = new ArrayList<>();
    JsonElement one = body.get("task");
    JsonElement many = body.get("tasks");
    if ((one == null) == (many == null)) {
      throw ApiException.badRequest(
          "give either \"task\" (one task) or \"tasks\" (an array of tasks)");
    }
    if (one != null) {
      tasks.add(one);
    } else if (many.isJsonArray()) {
      many.getAsJsonArray().forEach(tasks::add);
    } else {
      throw ApiException.badRequest("\"tasks\" must be an array, not " + Http.kind(many));
    }
    if (tasks.isEmpty()) {
      throw ApiException.badRequest("\"tasks\" is empty");
    }
    if (tasks.size() > MAX_TASKS) {
      throw ApiException.badRequest("at most " + MAX_TASKS + " tasks per request");
    }
    for (int i = 0; i < tasks.size(); i++) {
      if (tasks.get(i).isJsonNull()) {
        throw ApiException.badRequest(
            (tasks.size() == 1 ? "the task" : "task " + (i + 1))
                + " is null; tasks may not be null");
      }
    }
    done(exchange, control(run).inject(stage, tasks), tasks.size());
  }

  /**
   * {@code POST /api/runs/{id}/retry} with {@code {"ids": [..]}}, {@code {"all": true}}, or search
   * criteria {@code {"stage", "type", "q", "from", "to"}}: injects the failed tasks again.
   */
  void retry(HttpServerExchange exchange) throws IOException {
    TrackedRun run = registry.require(Http.pathParam(exchange, "id"));
    JsonObject body = Http.readObject(exchange, bodyLimit);
    RunControl control = control(run);
    List<FailureEntry> chosen = new ArrayList<>();
    JsonElement ids = body.get("ids");
    if (ids != null) {
      if (!ids.isJsonArray() || ids.getAsJsonArray().isEmpty()) {
        throw ApiException.badRequest("\"ids\" must be a non-empty array of failure ids");
      }
      JsonArray array = ids.getAsJsonArray();
      if (array.size() > MAX_RETRIES) {
        throw ApiException.badRequest("at most " + MAX_RETRIES + " failures per request");
      }
      for (JsonElement id : array) {
        long fid = ReadRoutes.failureId(id.isJsonPrimitive() ? id.getAsString() : id.toString());
        chosen.add(
            run.failures()
                .find(fid)
                .orElseThrow(() -> ApiException.notFound("failure " + fid + " is not kept")));
      }
    } else {
      boolean all =
          body.has("all") && body.get("all").isJsonPrimitive() && body.get("all").getAsBoolean();
      FailureQuery filter = filter(body);
      if (!all && filter.equals(base(filter))) {
        throw ApiException.badRequest(
            "say which failures to retry: \"ids\", \"all\": true, or stage/type/q/from/to");
      }
      for (int page = 1; chosen.size() < MAX_RETRIES; page++) {
        FailurePage p = run.failures().search(withPage(filter, page));
        chosen.addAll(p.items());
        if (p.items().size() < FailureQuery.MAX_PAGE_SIZE) {
          break;
        }
      }
      if (chosen.isEmpty()) {
        throw ApiException.notFound("no failure matches");
      }
    }
    done(exchange, control.retry(chosen), chosen.size());
  }

  /** {@code POST /api/runs/{id}/close-inputs}, optionally with {@code {"stage": S}}. */
  void closeInputs(HttpServerExchange exchange) throws IOException {
    TrackedRun run = registry.require(Http.pathParam(exchange, "id"));
    JsonObject body = Http.readObject(exchange, bodyLimit);
    String stage = string(body, "stage");
    if (stage != null && !run.shape().has(stage)) {
      throw ApiException.notFound("no stage named '" + stage + "' in graph '" + run.graph() + "'");
    }
    done(exchange, control(run).closeInputs(stage), 0);
  }

  /** {@code POST /api/runs/{id}/cancel}. */
  void cancel(HttpServerExchange exchange) throws IOException {
    TrackedRun run = registry.require(Http.pathParam(exchange, "id"));
    Http.readObject(exchange, bodyLimit);
    done(exchange, control(run).cancel(), 0);
  }

  private static RunControl control(TrackedRun run) {
    RunControl c = run.control();
    if (c == null) {
      throw ApiException.conflict("this dashboard cannot control run " + run.runId());
    }
    return c;
  }

  private static void done(HttpServerExchange exchange, String message, int count) {
    int status = message.startsWith("queued") ? 202 : 200;
    Http.json(exchange, status, Map.of("ok", true, "message", message, "count", count));
  }

  private static @Nullable String string(JsonObject body, String name) {
    JsonElement e = body.get(name);
    if (e == null || e.isJsonNull()) {
      return null;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw ApiException.badRequest("\"" + name + "\" must be a string, not " + Http.kind(e));
    }
    return e.getAsString();
  }

  private static FailureQuery filter(JsonObject body) {
    try {
      return new FailureQuery(
          string(body, "stage"),
          string(body, "type"),
          string(body, "q"),
          ReadRoutes.time(string(body, "from"), "from"),
          ReadRoutes.time(string(body, "to"), "to"),
          1,
          FailureQuery.MAX_PAGE_SIZE);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(String.valueOf(e.getMessage()));
    }
  }

  private static FailureQuery base(FailureQuery q) {
    return new FailureQuery(null, null, null, null, null, q.page(), q.size());
  }

  private static FailureQuery withPage(FailureQuery q, int page) {
    return new FailureQuery(q.stage(), q.type(), q.text(), q.from(), q.to(), page, q.size());
  }
}
