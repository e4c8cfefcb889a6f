package io.celestialflow.dashboard.internal;

import io.celestialflow.dashboard.history.FailureHistoryProvider;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.predicate.Predicates;
import io.undertow.server.HttpHandler;
import io.undertow.server.RoutingHandler;
import io.undertow.server.handlers.encoding.ContentEncodingRepository;
import io.undertow.server.handlers.encoding.EncodingHandler;
import io.undertow.server.handlers.encoding.GzipEncodingProvider;
import io.undertow.server.handlers.resource.ClassPathResourceManager;
import io.undertow.server.handlers.resource.ResourceHandler;
import io.undertow.server.handlers.sse.ServerSentEventHandler;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.xnio.Options;

/**
 * The assembled dashboard server: Undertow with the guard, the API routes, the event streams and
 * the page's files from {@code META-INF/celestialflow/web} on the class path, plus the sampler
 * thread. Every route runs on Undertow's worker threads; the IO threads only accept, route and
 * write.
 */
public final class Server implements AutoCloseable {
  static {
    // Undertow and XNIO log through jboss-logging, which picks java.util.logging unless told
    // otherwise; send them through SLF4J like the rest of CelestialFlow (silent when nothing is
    // bound, configured with the application's backend otherwise).
    if (System.getProperty("org.jboss.logging.provider") == null) {
      System.setProperty("org.jboss.logging.provider", "slf4j");
    }
  }

  /** Where the page's files live on the class path. */
  public static final String ASSETS = "META-INF/celestialflow/web";

  private final Settings settings;
  private final RunRegistry registry;
  private final EventHub hub;
  private final LocalRuns localRuns;
  private final RemoteRuns remoteRuns;
  private final Undertow undertow;
  private final ScheduledExecutorService sampler;
  private final int port;

  /**
   * Starts a server.
   *
   * @param settings the settings
   */
  public Server(Settings settings) {
    this(settings, List.of());
  }

  /**
   * Starts a server that asks the given history providers (run stores) first for each run's
   * failures and chart history.
   *
   * @param settings the settings
   * @param providers the providers, before those found with {@link java.util.ServiceLoader}
   */
  public Server(Settings settings, List<FailureHistoryProvider> providers) {
    this.settings = settings;
    EventHub[] hubRef = new EventHub[1];
    RemoteRuns[] remoteRef = new RemoteRuns[1];
    this.registry =
        new RunRegistry(
            settings.maxRuns(),
            settings.failuresPerRun(),
            providers,
            run -> {
              hubRef[0].forget(run.runId());
              remoteRef[0].forget(run.runId());
            });
    this.hub = new EventHub(registry, settings.intervalMs());
    hubRef[0] = hub;
    this.localRuns = new LocalRuns(registry, settings);
    this.remoteRuns = new RemoteRuns(registry, settings);
    remoteRef[0] = remoteRuns;

    Map<String, Object> info = new LinkedHashMap<>();
    info.put("readOnly", settings.readOnly());
    info.put("tokenRequired", settings.token() != null);
    info.put("intervalMs", settings.intervalMs());
    info.put("csrfHeader", Guard.CSRF_HEADER);
    ReadRoutes read = new ReadRoutes(registry, info);
    ControlRoutes control = new ControlRoutes(registry, settings.bodyLimit());
    RoutingHandler routes =
        Handlers.routing()
            .get("/api/info", Http.worker(read::info))
            .get("/api/runs", Http.worker(read::runs))
            .get("/api/runs/{id}", Http.worker(read::run))
            .get("/api/runs/{id}/topology", Http.worker(read::topology))
            .get("/api/runs/{id}/history", Http.worker(read::history))
            .get("/api/runs/{id}/failures", Http.worker(read::failures))
            .get("/api/runs/{id}/failures/{fid}", Http.worker(read::failure))
            .get("/api/runs/{id}/events", events())
            .post("/api/runs/{id}/inject", Http.worker(control::inject))
            .post("/api/runs/{id}/retry", Http.worker(control::retry))
            .post("/api/runs/{id}/close-inputs", Http.worker(control::closeInputs))
            .post("/api/runs/{id}/cancel", Http.worker(control::cancel))
            .post("/api/report", Http.worker(remoteRuns::report))
            .setInvalidMethodHandler(
                Http.worker(
                    ex -> Http.error(ex, 405, ex.getRequestMethod() + " is not allowed here")))
            .setFallbackHandler(assets());

    this.undertow =
        Undertow.builder()
            .addHttpListener(settings.port(), settings.host())
            .setIoThreads(2)
            .setWorkerThreads(8)
            .setWorkerOption(Options.THREAD_DAEMON, true)
            .setServerOption(
                UndertowOptions.MAX_ENTITY_SIZE, (long) settings.bodyLimit() * 8 + 1024)
            .setServerOption(UndertowOptions.MAX_HEADER_SIZE, 16 * 1024)
            .setServerOption(UndertowOptions.MAX_PARAMETERS, 100)
            .setHandler(new Guard(routes, settings.token(), settings.readOnly()))
            .build();
    undertow.start();
    this.port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();

    this.sampler =
        Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "celestialflow-dashboard-sampler");
          t.setDaemon(true);
          return t;
        });
    Sampler tick = new Sampler(registry, hub, remoteRuns::notices);
    var unused = sampler.scheduleAtFixedRate(tick, 0, settings.intervalMs(), TimeUnit.MILLISECONDS);
  }

  private HttpHandler events() {
    ServerSentEventHandler sse = new ServerSentEventHandler(hub);
    return exchange -> {
      String id = Http.pathParam(exchange, "id");
      if (registry.get(id) == null) {
        Http.worker(ex -> Http.error(ex, 404, "no run with id '" + id + "' on this dashboard"))
            .handleRequest(exchange);
        return;
      }
      exchange.getResponseHeaders().put(io.undertow.util.Headers.CACHE_CONTROL, "no-store");
      sse.handleRequest(exchange);
    };
  }

  private static HttpHandler assets() {
    ResourceHandler files =
        new ResourceHandler(new ClassPathResourceManager(Server.class.getClassLoader(), ASSETS))
            .setWelcomeFiles("index.html")
            .setDirectoryListingEnabled(false)
            .setCacheTime(60);
    HttpHandler gzip =
        new EncodingHandler(
            files,
            new ContentEncodingRepository()
                .addEncodingHandler(
                    "gzip", new GzipEncodingProvider(), 50, Predicates.requestLargerThan(-1)));
    return Http.worker(gzip::handleRequest);
  }

  /**
   * The port the server listens on.
   *
   * @return the port
   */
  public int port() {
    return port;
  }

  /**
   * The settings.
   *
   * @return the settings
   */
  public Settings settings() {
    return settings;
  }

  /**
   * The runs.
   *
   * @return the registry
   */
  public RunRegistry registry() {
    return registry;
  }

  /**
   * The listener that tracks runs of this JVM.
   *
   * @return the listener
   */
  public LocalRuns localRuns() {
    return localRuns;
  }

  /**
   * How many browsers are connected to event streams.
   *
   * @return the count
   */
  public int clients() {
    return hub.clientCount();
  }

  /** Stops the sampler and the server, and disconnects every browser. */
  @Override
  public void close() {
    sampler.shutdownNow();
    hub.closeAll();
    // Undertow.stop() waits for its threads and gives up at once if this thread was interrupted
    // (as a launcher released by an interrupt is): wait anyway, then restore the flag.
    boolean interrupted = Thread.interrupted();
    try {
      undertow.stop();
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    registry.closeAll();
  }
}
