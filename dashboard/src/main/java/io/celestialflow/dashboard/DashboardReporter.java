package io.celestialflow.dashboard;

import com.google.gson.JsonParser;
import io.celestialflow.GraphListener;
import io.celestialflow.GraphResult;
import io.celestialflow.GraphRun;
import io.celestialflow.GraphStatus;
import io.celestialflow.StageStats;
import io.celestialflow.TaskFailure;
import io.celestialflow.codec.GsonCodecFactory;
import io.celestialflow.dashboard.internal.Commands;
import io.celestialflow.dashboard.internal.Http;
import io.celestialflow.dashboard.internal.Report;
import io.celestialflow.event.RunEvent;
import io.celestialflow.event.RunFinished;
import io.celestialflow.event.RunStarted;
import io.celestialflow.event.TaskFailed;
import io.celestialflow.structure.GraphAnalysis;
import java.lang.reflect.Type;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports runs to a dashboard in another process — the standalone dashboard ({@link
 * DashboardMain}), on this machine or another — over HTTP with its token. Add it as a listener;
 * every run it hears of appears on that dashboard, which can act on it too (cancel, close inputs,
 * inject and retry tasks: the commands come back with the replies and are carried out here, where
 * injected JSON is checked against the stage's type).
 *
 * <pre>{@code
 * try (DashboardReporter reporter = DashboardReporter.to(URI.create("http://ops:8321/"), token)) {
 *   graph.newRun().input(fetch, urls).listener(reporter).run();
 * }
 * }</pre>
 *
 * <p>Engine threads only enqueue (a failure into a bounded queue; beyond it failures are counted,
 * not sent); one daemon thread of the reporter sends a report per run at each interval, and a last
 * one when the run ends. A dashboard that cannot be reached costs a warning, never the run.
 */
public final class DashboardReporter implements GraphListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DashboardReporter.class);

  /** Failures waiting to be sent, per run; beyond it they are counted only. */
  static final int FAILURE_QUEUE = 2_000;

  /** Failures sent per report at most. */
  static final int FAILURES_PER_REPORT = 500;

  private final URI endpoint;
  private final @Nullable String token;
  private final String origin;
  private final HttpClient http;
  private final ScheduledExecutorService timer;
  private final Map<String, Reporting> runs = Collections.synchronizedMap(new LinkedHashMap<>());
  private final AtomicLong warnings = new AtomicLong();

  private DashboardReporter(URI dashboard, @Nullable String token, Duration interval) {
    this.endpoint = dashboard.resolve("/api/report");
    this.token = token;
    this.origin = hostName() + "/" + ProcessHandle.current().pid();
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    this.timer =
        Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "celestialflow-dashboard-reporter");
          t.setDaemon(true);
          return t;
        });
    var unused =
        timer.scheduleWithFixedDelay(
            this::reportAll, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * A reporter to a dashboard, sending every 500 ms.
   *
   * @param dashboard the dashboard's address, e.g. {@code http://ops:8321/}
   * @param token its token, or null for a loopback dashboard without one
   * @return the reporter
   */
  public static DashboardReporter to(URI dashboard, @Nullable String token) {
    return to(dashboard, token, Dashboard.DEFAULT_INTERVAL);
  }

  /**
   * A reporter to a dashboard.
   *
   * @param dashboard the dashboard's address
   * @param token its token, or null
   * @param interval how often to report
   * @return the reporter
   */
  public static DashboardReporter to(URI dashboard, @Nullable String token, Duration interval) {
    Objects.requireNonNull(dashboard, "dashboard");
    if (!"http".equals(dashboard.getScheme()) && !"https".equals(dashboard.getScheme())) {
      throw new IllegalArgumentException(
          "a dashboard address starts with http://, not " + dashboard);
    }
    if (interval.toMillis() < 50) {
      throw new IllegalArgumentException("the interval must be at least 50 ms");
    }
    return new DashboardReporter(dashboard, token, interval);
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown-host";
    }
  }

  /** One run being reported. */
  private final class Reporting {
    final GraphRun run;
    final long startedAt;
    final String topology;
    final Commands commands;
    final ArrayBlockingQueue<TaskFailure> failures = new ArrayBlockingQueue<>(FAILURE_QUEUE);
    final AtomicLong failureCount = new AtomicLong();
    final List<Report.Ack> acks = new ArrayList<>();
    volatile @Nullable GraphResult result;
    boolean registered;

    Reporting(GraphRun run, long startedAt) {
      this.run = run;
      this.startedAt = startedAt;
      this.topology = GraphAnalysis.of(run.graph()).topology().toJson();
      this.commands = new Commands(run);
    }

    /** Sends one report; returns whether the run is over and reported as such. */
    synchronized boolean send() {
      GraphResult r = result;
      List<StageStats> stats;
      String state;
      long elapsed;
      if (r != null) {
        stats = r.stats();
        state = r.state().name();
        elapsed = r.elapsed().toMillis();
      } else {
        GraphStatus s = run.status();
        stats = s.stages();
        state = s.state().name();
        elapsed = s.elapsed().toMillis();
      }
      List<Report.Failure> batch = new ArrayList<>();
      TaskFailure f;
      while (batch.size() < FAILURES_PER_REPORT && (f = failures.poll()) != null) {
        batch.add(wire(f));
      }
      boolean last = r != null && failures.isEmpty();
      Report report =
          new Report(
              run.runId(),
              run.graph().name(),
              origin,
              startedAt,
              registered ? null : JsonParser.parseString(topology),
              state,
              elapsed,
              last,
              stats.stream().map(Report.Counters::of).toList(),
              failureCount.get(),
              batch,
              List.copyOf(acks));
      Report.Reply reply = post(report);
      if (reply == null) {
        registered = false; // the dashboard may have restarted: send the topology again
        return false;
      }
      registered = true;
      acks.clear();
      for (Report.Command c : reply.commands()) {
        acks.add(commands.apply(c));
      }
      return last && acks.isEmpty();
    }

    private Report.Failure wire(TaskFailure f) {
      String json = null;
      Type type = null;
      try {
        type = run.graph().stage(f.stage()).taskType().orElse(null);
      } catch (RuntimeException e) {
        type = null;
      }
      if (type != null) {
        try {
          json =
              new String(
                  new GsonCodecFactory().codec(type).encode(f.task()), StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
          json = null;
        }
      }
      return new Report.Failure(
          f.stage(),
          f.exceptionTypes(),
          f.message(),
          f.stackTrace(),
          f.attempts(),
          f.failedAt().toEpochMilli(),
          json != null ? json : String.valueOf(f.task()),
          json != null);
    }
  }

  private Report.@Nullable Reply post(Report report) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint)
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .header("X-CelestialFlow-Csrf", "1")
            .POST(HttpRequest.BodyPublishers.ofString(Http.GSON.toJson(report)));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        warn(
            "dashboard at {} refused a report of run {}: {} {}",
            endpoint,
            report.runId(),
            response.statusCode(),
            response.body());
        return null;
      }
      Report.Reply reply = Http.GSON.fromJson(response.body(), Report.Reply.class);
      return reply == null || reply.commands() == null ? new Report.Reply(List.of()) : reply;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (java.io.IOException | RuntimeException e) {
      warn(
          "cannot reach the dashboard at {} for run {}: {}",
          endpoint,
          report.runId(),
          e.toString());
      return null;
    }
  }

  private void warn(String format, Object... args) {
    long n = warnings.incrementAndGet();
    if (n <= 3 || n % 100 == 0) {
      LOG.warn(format, args);
    }
  }

  @Override
  public void onEvent(RunEvent event) {
    switch (event) {
      case TaskFailed f -> {
        Reporting r = runs.get(f.runId());
        if (r != null) {
          r.failureCount.incrementAndGet();
          r.failures.offer(f.failure()); // dropped when full: counted, not sent
        }
      }
      case RunStarted s ->
          runs.computeIfAbsent(s.runId(), id -> new Reporting(s.run(), s.time().toEpochMilli()));
      case RunFinished end -> {
        Reporting r = runs.get(end.runId());
        if (r != null) {
          r.result = end.result();
          timer.execute(this::reportAll);
        }
      }
      default -> {}
    }
  }

  private void reportAll() {
    List<Map.Entry<String, Reporting>> snapshot;
    synchronized (runs) {
      snapshot = new ArrayList<>(runs.entrySet());
    }
    for (Map.Entry<String, Reporting> e : snapshot) {
      try {
        if (e.getValue().send()) {
          runs.remove(e.getKey());
        }
      } catch (RuntimeException ex) {
        warn("reporting run {} failed: {}", e.getKey(), ex.toString());
      }
    }
  }

  /**
   * Sends the last reports (waiting up to 10 s for runs that have ended) and stops the reporter.
   */
  @Override
  public void close() {
    try {
      var last = timer.submit(this::reportAll);
      last.get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      LOG.warn("the last reports to {} did not complete: {}", endpoint, e.toString());
    } finally {
      timer.shutdownNow();
    }
  }
}
