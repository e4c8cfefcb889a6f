package io.celestialflow.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The command line of {@link RemoteWorker#main}: parsing, then running until stopped. */
final class WorkerCommand {
  private WorkerCommand() {}

  static final String USAGE =
      """
      usage: java -cp <class path> io.celestialflow.redis.RemoteWorker --redis URL --graph NAME
             --worker STAGE --function CLASS [--splitter] [--worker STAGE --function CLASS ...]
             [options]
      Serves stages of a graph from Redis until SIGINT/SIGTERM (then stops gracefully).
        --redis URL             redis://[[user]:password@]host[:port][/db]
        --graph NAME            the graph name the remote stages were built with
        --worker STAGE          a stage to serve; followed by its --function
        --function CLASS        a TaskFunction (map; --splitter for a splitter) or TaskConsumer
                                class with a no-argument constructor, on the class path
        --group NAME            consumer group (default workers)
        --consumer NAME         consumer name (default host-pid-random)
        --concurrency N         tasks run at once (default: processors)
        --batch N               entries read per XREADGROUP (default 64)
        --idle-claim MS         idle time before a dead worker's entries are claimed (default 30000)
        --delivery-limit N      deliveries without a result before dead-lettering (default 5)
        --task-timeout MS       bound on each task's run; longer is an error result (default none)
        --heartbeat MS          heartbeat interval (default 2000)
        --shutdown-timeout MS   time to finish held entries on stop (default 10000)
        --namespace NS          key namespace (default cf)
        --exit-with-stdin       stop when standard input ends (for parent processes)
      """;

  /** Parsed options. */
  record Options(
      String redis,
      String graph,
      List<StageHandler> handlers,
      @Nullable String group,
      @Nullable String consumer,
      int concurrency,
      int batch,
      long idleClaim,
      int deliveryLimit,
      long heartbeat,
      long shutdownTimeout,
      long taskTimeout,
      @Nullable String namespace,
      boolean exitWithStdin) {}

  static int run(String[] args) {
    return run(args, System.err, System.in);
  }

  static int run(String[] args, PrintStream err, InputStream in) {
    Options o;
    try {
      o = parse(args);
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.print(USAGE);
      return 2;
    }
    RedisBridge.Builder rb = RedisBridge.builder(o.redis());
    if (o.namespace() != null) {
      rb.namespace(o.namespace());
    }
    RedisBridge redis = rb.build();
    RemoteWorker.Builder wb = RemoteWorker.builder(redis, o.graph());
    o.handlers().forEach(wb::handle);
    if (o.group() != null) {
      wb.group(o.group());
    }
    if (o.consumer() != null) {
      wb.consumer(o.consumer());
    }
    if (o.concurrency() > 0) {
      wb.concurrency(o.concurrency());
    }
    if (o.batch() > 0) {
      wb.batchSize(o.batch());
    }
    if (o.idleClaim() > 0) {
      wb.idleClaim(Duration.ofMillis(o.idleClaim()));
    }
    if (o.deliveryLimit() > 0) {
      wb.deliveryLimit(o.deliveryLimit());
    }
    if (o.heartbeat() > 0) {
      wb.heartbeatInterval(Duration.ofMillis(o.heartbeat()));
    }
    if (o.shutdownTimeout() > 0) {
      wb.shutdownTimeout(Duration.ofMillis(o.shutdownTimeout()));
    }
    if (o.taskTimeout() > 0) {
      wb.taskTimeout(Duration.ofMillis(o.taskTimeout()));
    }
    RemoteWorker worker = wb.build();
    Thread hook =
        new Thread(
            () -> {
              worker.stop();
              redis.close();
            },
            "celestialflow-worker-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    worker.start();
    if (o.exitWithStdin()) {
      Thread.ofPlatform()
          .daemon(true)
          .name("celestialflow-worker-stdin")
          .start(() -> {
            try {
              while (in.read() >= 0) {
                // the parent writes nothing; EOF means it is gone
              }
            } catch (IOException e) {
              // same as EOF
            }
            worker.stop();
          });
    }
    worker.awaitStop();
    redis.close();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down
    }
    return 0;
  }

  static Options parse(String[] args) {
    String redis = null;
    String graph = null;
    List<StageHandler> handlers = new ArrayList<>();
    String pendingStage = null;
    String group = null;
    String consumer = null;
    String namespace = null;
    int concurrency = 0;
    int batch = 0;
    long idle = 0;
    int limit = 0;
    long heartbeat = 0;
    long shutdown = 0;
    long taskTimeout = 0;
    boolean stdin = false;
    boolean splitter = false;
    String function = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--exit-with-stdin" -> stdin = true;
        case "--splitter" -> {
          if (!handlers.isEmpty() && function == null && pendingStage == null) {
            handlers.set(handlers.size() - 1, rebuildAsSplitter(handlers.get(handlers.size() - 1)));
          } else {
            splitter = true;
          }
        }
        case "--help" -> throw new IllegalArgumentException("help");
        default -> {
          if (!a.startsWith("--") || i + 1 >= args.length) {
            throw new IllegalArgumentException("unexpected argument: " + a);
          }
          String v = args[++i];
          switch (a) {
            case "--redis" -> redis = v;
            case "--graph" -> graph = v;
            case "--worker" -> {
              if (pendingStage != null) {
                throw new IllegalArgumentException(
                    "--worker " + pendingStage + " has no --function");
              }
              pendingStage = v;
              splitter = false;
            }
            case "--function" -> {
              if (pendingStage == null) {
                throw new IllegalArgumentException(
                    "--function " + v + " must follow --worker STAGE");
              }
              handlers.add(handler(pendingStage, v, splitter));
              pendingStage = null;
              function = null;
            }
            case "--group" -> group = v;
            case "--consumer" -> consumer = v;
            case "--namespace" -> namespace = v;
            case "--concurrency" -> concurrency = positive(a, v);
            case "--batch" -> batch = positive(a, v);
            case "--idle-claim" -> idle = positive(a, v);
            case "--delivery-limit" -> limit = positive(a, v);
            case "--heartbeat" -> heartbeat = positive(a, v);
            case "--shutdown-timeout" -> shutdown = positive(a, v);
            case "--task-timeout" -> taskTimeout = positive(a, v);
            default -> throw new IllegalArgumentException("unknown option " + a);
          }
        }
      }
    }
    if (pendingStage != null) {
      throw new IllegalArgumentException("--worker " + pendingStage + " has no --function");
    }
    if (redis == null || graph == null || handlers.isEmpty()) {
      throw new IllegalArgumentException("--redis, --graph and at least one --worker are required");
    }
    return new Options(
        redis,
        graph,
        handlers,
        group,
        consumer,
        concurrency,
        batch,
        idle,
        limit,
        heartbeat,
        shutdown,
        taskTimeout,
        namespace,
        stdin);
  }

  private static StageHandler rebuildAsSplitter(StageHandler h) {
    throw new IllegalArgumentException(
        "put --splitter before --function (stage '" + h.stage() + "')");
  }

  private static StageHandler handler(String stage, String className, boolean splitter) {
    Class<?> type;
    try {
      type = Class.forName(className, true, Thread.currentThread().getContextClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException("class " + className + " is not on the class path");
    }
    return splitter ? StageHandler.splitterOf(stage, type) : StageHandler.of(stage, type);
  }

  private static int positive(String option, String value) {
    try {
      int n = Integer.parseInt(value);
      if (n < 1) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " needs a positive integer, not " + value);
    }
  }
}
