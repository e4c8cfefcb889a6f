package io.celestialflow.dashboard.internal;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import io.celestialflow.TaskFailure;
import io.celestialflow.dashboard.history.FailureHistory;
import io.celestialflow.dashboard.internal.Report.Reply;
import io.celestialflow.structure.Topology;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * {@code POST /api/report}: runs in other JVMs report here through their {@link
 * io.celestialflow.dashboard.DashboardReporter}. The first report of a run registers it with its
 * topology; each report replaces its counters and adds its new failures; the reply carries the
 * commands waiting for the run.
 */
final class RemoteRuns {
  /** Failures one report may carry. */
  static final int MAX_FAILURES_PER_REPORT = 1_000;

  private final RunRegistry registry;
  private final Settings settings;
  private final int bodyLimit;
  private final Map<String, RemoteRun> remotes = new ConcurrentHashMap<>();

  RemoteRuns(RunRegistry registry, Settings settings) {
    this.registry = registry;
    this.settings = settings;
    this.bodyLimit = Math.max(settings.bodyLimit(), 8 * 1024 * 1024);
  }

  void report(HttpServerExchange exchange) throws IOException {
    JsonObject body = Http.readObject(exchange, bodyLimit);
    Report report;
    try {
      report = Http.GSON.fromJson(body, Report.class);
    } catch (JsonParseException | IllegalStateException e) {
      throw ApiException.badRequest("not a report: " + e.getMessage());
    }
    if (report.runId() == null || report.graph() == null || report.stages() == null) {
      throw ApiException.badRequest("a report needs runId, graph and stages");
    }
    RemoteRun remote = remotes.get(report.runId());
    TrackedRun tracked = registry.get(report.runId());
    if (remote == null || tracked == null) {
      tracked = register(report);
      remote = remotes.get(report.runId());
    }
    if (remote == null) {
      throw ApiException.conflict("run " + report.runId() + " is tracked here as a local run");
    }
    remote.update(report);
    record(tracked.failures(), report.failures());
    Http.json(exchange, 200, new Reply(remote.drainCommands()));
  }

  private synchronized TrackedRun register(Report report) {
    TrackedRun existing = registry.get(report.runId());
    if (existing != null) {
      return existing;
    }
    if (report.topology() == null) {
      throw ApiException.badRequest("the first report of a run must carry its topology");
    }
    Topology topology;
    try {
      topology = Topology.fromJson(report.topology().toString());
    } catch (JsonParseException | NullPointerException e) {
      throw ApiException.badRequest("the report's topology is not valid: " + e.getMessage());
    }
    RemoteRun remote = new RemoteRun(settings.staleAfterMs());
    FailureHistory failures = registry.historyFor(report.runId(), report.graph());
    TrackedRun tracked =
        new TrackedRun(
            report.runId(),
            report.graph(),
            report.origin() == null ? "remote" : report.origin(),
            Instant.ofEpochMilli(report.startedAt()),
            topology,
            failures,
            settings.readOnly() ? null : remote,
            remote,
            settings.seriesPoints(),
            registry.statsFor(report.runId()),
            registry.nextOrder());
    remotes.put(report.runId(), remote);
    registry.add(tracked);
    return tracked;
  }

  private static void record(FailureHistory history, @Nullable List<Report.Failure> failures) {
    if (failures == null) {
      return;
    }
    int n = 0;
    for (Report.Failure f : failures) {
      if (n++ >= MAX_FAILURES_PER_REPORT) {
        break;
      }
      if (f == null || f.stage() == null || f.types() == null || f.types().isEmpty()) {
        continue;
      }
      TaskFailure failure =
          TaskFailure.of(
              f.stage(),
              f.task() == null ? "" : f.task(),
              0,
              f.types(),
              f.message() == null ? "" : f.message(),
              f.stackTrace() == null ? "" : f.stackTrace(),
              Math.max(1, f.attempts()),
              Instant.ofEpochMilli(f.time()));
      history.record(failure, f.taskIsJson() ? f.task() : null);
    }
  }

  /** Notices from the reporters' acknowledgements, for the page. */
  List<String> notices(String runId) {
    RemoteRun r = remotes.get(runId);
    return r == null ? List.of() : r.drainNotices();
  }

  void forget(String runId) {
    remotes.remove(runId);
  }
}
