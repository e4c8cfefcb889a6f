package io.celestialflow.redis;

import io.celestialflow.GraphInputException;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import io.celestialflow.spi.LaunchContext;
import io.celestialflow.spi.LaunchOption;
import io.celestialflow.spi.LaunchSession;
import io.celestialflow.spi.LauncherExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The generated runners' {@code --worker STAGE}: instead of running its graph, the runner serves
 * one or more of the graph's stages from Redis, as a {@link RemoteWorker}, until SIGINT/SIGTERM.
 * Found by {@link java.util.ServiceLoader} when this module is on the class path.
 *
 * <pre>
 * java -cp &lt;class path&gt; com.example.PipelineGraph --worker square --redis redis://10.0.0.5:6379 \
 *     --worker-concurrency 8
 * </pre>
 *
 * <p>Each served stage runs its own function ({@link io.celestialflow.TaskStage#apply}) on the
 * tasks a {@link RemoteStage} of the same graph name and stage name sends, decoded as the stage's
 * declared task type (generated graphs declare it for every stage). A stage that is itself a {@link
 * RemoteStage} is served with the function given to {@link RemoteStage.Builder#local}, under its
 * own graph name, group and codecs: so one program both runs the graph and, started again with
 * {@code --worker}, serves its remote stage on as many machines as needed (docs/redis.md, "Scale
 * out").
 *
 * <p>Once its workers have joined their consumer groups it prints one line per worker on standard
 * output, as the Go worker does: {@code ready graph=G group=workers consumer=C stages=a,b}. The
 * engine's policies (retries, timeouts, dedupe) stay with the graph that sends the tasks.
 */
public final class WorkerLauncher implements LauncherExtension {
  static final String WORKER = "--worker";
  static final String REDIS = "--redis";
  static final String GRAPH = "--worker-graph";
  static final String GROUP = "--worker-group";
  static final String CONSUMER = "--worker-consumer";
  static final String CONCURRENCY = "--worker-concurrency";
  static final String BATCH = "--worker-batch";
  static final String IDLE_CLAIM = "--worker-idle-claim";
  static final String DELIVERY_LIMIT = "--worker-delivery-limit";
  static final String NAMESPACE = "--worker-namespace";
  static final String TASK_TIMEOUT = "--worker-task-timeout";

  /** The environment variable {@code --redis} defaults to, as for the Go worker. */
  static final String REDIS_ENV = "CF_REDIS_URL";

  private static final List<LaunchOption> OPTIONS =
      List.of(
          LaunchOption.withValue(
              WORKER,
              "STAGE",
              "serve this stage from Redis instead of running the graph; repeatable"),
          LaunchOption.withValue(
              REDIS,
              "URL",
              "the Redis of --worker: redis://host:port (default $" + REDIS_ENV + ")"),
          LaunchOption.withValue(
              GRAPH,
              "NAME",
              "graph name in the stream keys (default: a remote stage's, else this graph's)"),
          LaunchOption.withValue(GROUP, "NAME", "consumer group (default workers)"),
          LaunchOption.withValue(CONSUMER, "NAME", "consumer name (default host-pid-random)"),
          LaunchOption.withValue(CONCURRENCY, "N", "tasks run at once (default: processors)"),
          LaunchOption.withValue(BATCH, "N", "entries read at once (default 64)"),
          LaunchOption.withValue(
              IDLE_CLAIM,
              "TIME",
              "idle time before a dead worker's tasks are claimed: 30s, 500ms (default 30s)"),
          LaunchOption.withValue(
              DELIVERY_LIMIT, "N", "deliveries before a task is dead-lettered (default 5)"),
          LaunchOption.withValue(
              TASK_TIMEOUT, "TIME", "bound on each task's run, e.g. 30s (default none)"),
          LaunchOption.withValue(NAMESPACE, "NS", "key namespace (default: the stage's, else cf)"));

  /** Creates the extension (the service loader does). */
  public WorkerLauncher() {}

  @Override
  public List<LaunchOption> options() {
    return OPTIONS;
  }

  @Override
  public LaunchSession open(LaunchContext context) {
    return new Session(context, Settings.parse(context, System.getenv(REDIS_ENV)));
  }

  /** The parsed options. */
  record Settings(
      String redis,
      List<String> stages,
      @Nullable String graph,
      @Nullable String group,
      @Nullable String consumer,
      int concurrency,
      int batch,
      @Nullable Duration idleClaim,
      int deliveryLimit,
      @Nullable Duration taskTimeout,
      @Nullable String namespace) {

    static Settings parse(LaunchContext c, @Nullable String redisFromEnvironment) {
      List<String> stages = c.values(WORKER);
      if (stages.isEmpty()) {
        throw new IllegalArgumentException(
            "--redis and the --worker-... options go with --worker STAGE (stages: "
                + names(c.graph())
                + ")");
      }
      String redis = c.value(REDIS).orElse(redisFromEnvironment);
      if (redis == null || redis.isBlank()) {
        throw new IllegalArgumentException(
            "--worker needs the Redis to serve from: --redis redis://host:port (or $"
                + REDIS_ENV
                + ")");
      }
      return new Settings(
          redis,
          stages,
          c.value(GRAPH).orElse(null),
          c.value(GROUP).orElse(null),
          c.value(CONSUMER).orElse(null),
          positive(c, CONCURRENCY),
          positive(c, BATCH),
          c.value(IDLE_CLAIM).map(v -> duration(IDLE_CLAIM, v)).orElse(null),
          positive(c, DELIVERY_LIMIT),
          c.value(TASK_TIMEOUT).map(v -> duration(TASK_TIMEOUT, v)).orElse(null),
          c.value(NAMESPACE).orElse(null));
    }

    private static int positive(LaunchContext c, String option) {
      Optional<String> v = c.value(option);
      if (v.isEmpty()) {
        return 0;
      }
      try {
        int n = Integer.parseInt(v.get().strip());
        if (n >= 1) {
          return n;
        }
      } catch (NumberFormatException e) {
        // below
      }
      throw new IllegalArgumentException(
          option + " needs a positive integer, not '" + v.get() + "'");
    }
  }

  /**
   * A duration as the Go worker's flags take it: plain milliseconds ({@code 1500}) or a number with
   * a unit ({@code 500ms}, {@code 1.5s}, {@code 2m}).
   */
  static Duration duration(String option, String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    try {
      if (v.endsWith("ms")) {
        return Duration.ofNanos(
            Math.round(Double.parseDouble(v.substring(0, v.length() - 2)) * 1e6));
      }
      if (v.endsWith("s")) {
        return Duration.ofNanos(
            Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1e9));
      }
      if (v.endsWith("m")) {
        return Duration.ofNanos(
            Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 60e9));
      }
      return Duration.ofMillis(Long.parseLong(v));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          option + " needs a duration such as 30s, 500ms or 1500, not '" + value + "'");
    }
  }

  private static String names(TaskGraph graph) {
    return graph.stages().stream().map(TaskStage::name).collect(Collectors.joining(", "));
  }

  /** Workers that share a graph name, a group and a namespace: one {@link RemoteWorker}. */
  private record Part(String namespace, String graph, String group) {}

  /** One launch with {@code --worker}. */
  private static final class Session implements LaunchSession {
    private final LaunchContext context;
    private final Map<Part, List<StageHandler>> parts = new LinkedHashMap<>();
    private final Settings settings;
    private final List<RedisBridge> bridges = new ArrayList<>();
    private final List<RemoteWorker> workers = new ArrayList<>();

    Session(LaunchContext context, Settings settings) {
      this.context = context;
      this.settings = settings;
      TaskGraph graph = context.graph();
      for (String name : settings.stages()) {
        TaskStage<?, ?> stage;
        try {
          stage = graph.stage(name);
        } catch (GraphInputException e) {
          throw new IllegalArgumentException(
              "--worker "
                  + name
                  + ": graph '"
                  + graph.name()
                  + "' has no such stage (stages: "
                  + names(graph)
                  + ")",
              e);
        }
        StageHandler handler = StageHandler.serving(stage);
        RemoteStage.Declared remote = RemoteStage.declared(stage);
        Part part =
            new Part(
                first(
                    settings.namespace(),
                    remote,
                    RedisKeys::namespace,
                    RedisKeys.DEFAULT_NAMESPACE),
                first(settings.graph(), remote, RedisKeys::graph, graph.name()),
                settings.group() != null
                    ? settings.group()
                    : remote != null ? remote.group() : RedisBridge.DEFAULT_GROUP);
        List<StageHandler> handlers = parts.computeIfAbsent(part, k -> new ArrayList<>());
        if (handlers.stream().anyMatch(h -> h.stage().equals(name))) {
          throw new IllegalArgumentException("--worker " + name + " is given twice");
        }
        handlers.add(handler);
      }
    }

    private static String first(
        @Nullable String option,
        RemoteStage.@Nullable Declared remote,
        Function<RedisKeys, String> declared,
        String otherwise) {
      if (option != null) {
        return option;
      }
      return remote != null ? declared.apply(remote.keys()) : otherwise;
    }

    @Override
    public OptionalInt takeOver() throws InterruptedException {
      Settings s = settings;
      Map<String, RedisBridge> byNamespace = new LinkedHashMap<>();
      for (Map.Entry<Part, List<StageHandler>> e : parts.entrySet()) {
        Part part = e.getKey();
        RedisBridge redis =
            byNamespace.computeIfAbsent(
                part.namespace(),
                ns -> {
                  RedisBridge b = RedisBridge.builder(s.redis()).namespace(ns).build();
                  bridges.add(b);
                  return b;
                });
        RemoteWorker.Builder b = RemoteWorker.builder(redis, part.graph()).group(part.group());
        e.getValue().forEach(b::handle);
        if (s.consumer() != null) {
          b.consumer(s.consumer());
        }
        if (s.concurrency() > 0) {
          b.concurrency(s.concurrency());
        }
        if (s.batch() > 0) {
          b.batchSize(s.batch());
        }
        Duration idle = s.idleClaim();
        if (idle != null) {
          b.idleClaim(idle);
        }
        if (s.deliveryLimit() > 0) {
          b.deliveryLimit(s.deliveryLimit());
        }
        Duration limit = s.taskTimeout();
        if (limit != null) {
          b.taskTimeout(limit);
        }
        workers.add(b.build());
      }
      Thread hook = new Thread(this::stopAll, "celestialflow-worker-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      List<Map.Entry<Part, List<StageHandler>>> all = new ArrayList<>(parts.entrySet());
      for (int i = 0; i < workers.size(); i++) {
        RemoteWorker w = workers.get(i);
        w.start();
        RedisBridge redis = bridges.get(0);
        Duration wait = redis.reconnectTimeout().plusSeconds(5);
        if (!w.awaitJoined(wait)) {
          throw new RedisUnavailableException(
              redis.address(),
              wait,
              new IllegalStateException("the worker could not join its consumer groups"));
        }
        Part part = all.get(i).getKey();
        String stages =
            all.get(i).getValue().stream()
                .map(StageHandler::stage)
                .collect(Collectors.joining(","));
        context
            .err()
            .println(
                "serving graph '"
                    + part.graph()
                    + "' stages "
                    + stages
                    + " from Redis at "
                    + bridges.get(0).address()
                    + " as "
                    + w.consumer()
                    + " (group "
                    + part.group()
                    + "); stop with SIGINT or SIGTERM");
        context
            .out()
            .println(
                "ready graph="
                    + part.graph()
                    + " group="
                    + part.group()
                    + " consumer="
                    + w.consumer()
                    + " stages="
                    + stages);
      }
      context.out().flush();
      for (RemoteWorker w : workers) {
        w.awaitStop();
      }
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is shutting down: the hook stopped the workers
      }
      return OptionalInt.of(0);
    }

    private void stopAll() {
      for (RemoteWorker w : workers) {
        w.stop();
      }
    }

    @Override
    public void close() {
      stopAll();
      for (RedisBridge b : bridges) {
        b.close();
      }
    }
  }
}
