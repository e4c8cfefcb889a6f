package io.celestialflow.redis;

import io.celestialflow.GraphResult;
import io.celestialflow.TaskGraph;
import io.celestialflow.TaskStage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * A plain harness (not a test: surefire does not run it) measuring, in one run against a
 * redis-server of its own on loopback:
 *
 * <ol>
 *   <li>a local ASYNC no-op stage (the engine alone), tasks/s;
 *   <li>a remote no-op stage through a Java {@link RemoteWorker} (in this JVM), tasks/s, and its
 *       ratio to (1) and to (3);
 *   <li>raw Jedis doing the same message flow (pipelined XADD of tasks, XREADGROUP, XADD of
 *       results, XACK + XDEL, XREAD of results), tasks/s;
 *   <li>enqueue-to-result latency of single tasks when not saturated (p50, p99).
 * </ol>
 *
 * <p>For (2) and (3) it also prints the CPU time per task of this JVM's threads by side and of
 * redis-server ({@link CpuMeter}), and the Redis commands per task: on a machine whose cores the
 * graph, the worker and redis-server share, CPU per task is what bounds the round trip.
 *
 * <pre>
 * mvn -B -ntp -pl redis -am test-compile
 * java -cp "$(cat redis/target/test-classpath.txt)" io.celestialflow.redis.RedisThroughputBenchmark 200000
 * </pre>
 *
 * (or let the IDE run it). Figures from a busy machine are only a smoke test.
 */
@SuppressWarnings("try") // workers run in the background of try-with-resources
public final class RedisThroughputBenchmark {
  private RedisThroughputBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args optional: the number of tasks per measurement (default 200000), and the number of
   *     rounds, all but the last a warm-up (default 6: with fewer, the measured round still spends
   *     microseconds per task compiling the remote path)
   */
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
    try (RedisServer server = RedisServer.start()) {
      System.out.printf("tasks per measurement: %d; redis-server on port %d%n", n, server.port());
      double local = 0;
      double remote = 0;
      double raw = 0;
      CpuMeter[] cpu = new CpuMeter[1];
      for (int round = 0; round < rounds; round++) { // all rounds but the last warm up
        String tag = round < rounds - 1 ? "warm-up  " : "measured ";
        local = local(n);
        remote = remote(server, n, round, cpu);
        CpuMeter rawCpu = CpuMeter.start(server);
        raw = raw(server, n, round, false);
        rawCpu.stop();
        CpuMeter scriptCpu = CpuMeter.start(server);
        double scripted = raw(server, n, round, true);
        scriptCpu.stop();
        System.out.printf(
            "%s local ASYNC %,10.0f tasks/s | remote %,10.0f tasks/s | raw Jedis %,10.0f tasks/s%n",
            tag, local, remote, raw);
        System.out.printf(
            "%s cpu per task: remote: %s | raw Jedis: %s%n",
            tag, cpu[0].perTask(n), rawCpu.perTask(n));
        System.out.printf(
            "%s redis commands per task: remote: %s| raw Jedis: %s%n",
            tag, cpu[0].commandsPerTask(n), rawCpu.commandsPerTask(n));
        System.out.printf(
            "%s raw Jedis committing with the worker's script: %,10.0f tasks/s (%.3f of raw Jedis;"
                + " remote / it = %.3f) | cpu per task: %s%n",
            tag, scripted, scripted / raw, remote / scripted, scriptCpu.perTask(n));
        System.out.printf(
            "%s redis commands per task, committing with the worker's script: %s%n",
            tag, scriptCpu.commandsPerTask(n));
      }
      System.out.printf(
          "remote / local ASYNC = %.3f ; remote / raw Jedis = %.3f%n",
          remote / local, remote / raw);
      latency(server, 2000);
    }
  }

  private static double local(int n) {
    TaskStage<Integer, Integer> noop =
        TaskStage.async("noop", (Integer x) -> CompletableFuture.completedFuture(x)).build();
    try (TaskGraph graph = TaskGraph.builder("local").stages(noop).build()) {
      long t0 = System.nanoTime();
      GraphResult r =
          graph
              .newRun()
              .input(noop, IntStream.range(0, n).boxed().iterator())
              .discardOutputs()
              .run();
      check(r.stats("noop").succeeded(), n);
      return n / seconds(t0);
    }
  }

  private static double remote(RedisServer server, int n, int round, CpuMeter[] cpu) {
    try (RedisBridge redis = RedisBridge.connect(server.uri());
        RemoteWorker worker =
            RemoteWorker.builder(redis, "bench" + round)
                .handle(StageHandler.map("noop", Integer.class, Integer.class, (Integer x) -> x))
                .concurrency(1)
                .batchSize(512)
                .build()
                .start()) {
      TaskStage<Integer, Integer> noop =
          RemoteStage.map("noop", Integer.class, Integer.class)
              .redis(redis)
              .graph("bench" + round)
              .maxOutstanding(8192)
              .batchSize(512)
              .build();
      try (TaskGraph graph = TaskGraph.builder("remote").stages(noop).build()) {
        cpu[0] = CpuMeter.start(server);
        long t0 = System.nanoTime();
        GraphResult r =
            graph
                .newRun()
                .input(noop, IntStream.range(0, n).boxed().iterator())
                .discardOutputs()
                .run();
        double rate = n / seconds(t0);
        cpu[0].stop();
        check(r.stats("noop").succeeded(), n);
        return rate;
      }
    }
  }

  /**
   * The same message flow in raw Jedis: three threads, pipelined, no codecs, no engine. With {@code
   * script}, the worker thread commits each batch as the Java and Go workers do, with one call of
   * the commit script ({@link Scripts#COMMIT}, docs/protocol.md 5.2) instead of a pipeline of
   * result {@code XADD}s and then {@code XACK} + {@code XDEL}: the most a worker bound to that
   * script can do here.
   */
  private static double raw(RedisServer server, int n, int round, boolean script) throws Exception {
    String tasks = (script ? "rawscript" : "raw") + round + ":tasks";
    String results = (script ? "rawscript" : "raw") + round + ":results";
    String group = "workers";
    try (Jedis setup = server.client()) {
      setup.xgroupCreate(tasks, group, new StreamEntryID(0, 0), true);
    }
    AtomicLong done = new AtomicLong();
    int window = 8192;
    AtomicLong sent = new AtomicLong();
    long t0 = System.nanoTime();
    Thread producer =
        Thread.ofPlatform()
            .start(() -> {
              try (Jedis j = server.client()) {
                int i = 0;
                while (i < n) {
                  while (sent.get() - done.get() >= window) {
                    java.util.concurrent.locks.LockSupport.parkNanos(20_000);
                  }
                  Pipeline p = j.pipelined();
                  int batch = Math.min(512, n - i);
                  for (int k = 0; k < batch; k++, i++) {
                    p.xadd(
                        tasks,
                        StreamEntryID.NEW_ENTRY,
                        Map.of(
                            "m",
                            "{\"v\":1,\"kind\":\"task\",\"id\":\"r-"
                                + i
                                + "\",\"graph\":\"raw\",\"stage\":\"noop\",\"run\":\"r\",\"parents\":[],\"attempt\":1,\"payload\":"
                                + i
                                + ",\"reply\":\""
                                + results
                                + "\",\"ts\":0}"));
                  }
                  p.sync();
                  sent.addAndGet(batch);
                }
              }
            });
    Thread worker =
        Thread.ofPlatform()
            .daemon(true)
            .start(() -> {
              try (Jedis j = server.client()) {
                long handled = 0;
                while (handled < n) {
                  var got =
                      j.xreadGroup(
                          group,
                          "w",
                          XReadGroupParams.xReadGroupParams().count(512).block(100),
                          Map.of(tasks, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
                  if (got == null) {
                    continue;
                  }
                  List<StreamEntry> es = got.get(0).getValue();
                  if (script) {
                    commit(j, tasks, results, group, es);
                    handled += es.size();
                    continue;
                  }
                  Pipeline p = j.pipelined();
                  StreamEntryID[] ids = new StreamEntryID[es.size()];
                  for (int k = 0; k < es.size(); k++) {
                    ids[k] = es.get(k).getID();
                    p.xadd(
                        results,
                        StreamEntryID.NEW_ENTRY,
                        Map.of("m", es.get(k).getFields().get("m")));
                  }
                  p.sync();
                  Pipeline q = j.pipelined();
                  q.xack(tasks, group, ids);
                  q.xdel(tasks, ids);
                  q.sync();
                  handled += es.size();
                }
              }
            });
    try (Jedis j = server.client()) {
      StreamEntryID last = new StreamEntryID(0, 0);
      while (done.get() < n) {
        var got = j.xread(XReadParams.xReadParams().count(1024).block(100), Map.of(results, last));
        if (got == null) {
          continue;
        }
        List<StreamEntry> es = got.get(0).getValue();
        StreamEntryID[] ids = es.stream().map(StreamEntry::getID).toArray(StreamEntryID[]::new);
        last = ids[ids.length - 1];
        j.xdel(results, ids);
        done.addAndGet(es.size());
      }
    }
    double rate = n / seconds(t0);
    producer.join();
    worker.join(TimeUnit.SECONDS.toMillis(5));
    return rate;
  }

  /** One batch committed by the commit script, with the arguments the Java worker gives it. */
  private static void commit(
      Jedis j, String tasks, String results, String group, List<StreamEntry> es) {
    List<String> args = new ArrayList<>(6 + es.size() * 6);
    args.add(group);
    args.add("w");
    args.add("1");
    args.add(Integer.toString(es.size()));
    args.add(es.get(0).getID().toString());
    args.add(es.get(es.size() - 1).getID().toString());
    boolean first = true;
    for (StreamEntry e : es) {
      args.add(e.getID().toString());
      if (first) { // in full; the others like it take the short form, as the workers write them
        args.add("1");
        args.add("2");
        args.add("r");
        args.add("0");
        first = false;
      } else {
        args.add("=");
      }
      args.add(e.getFields().get("m"));
    }
    Scripts.COMMIT.run(j, List.of(tasks, results), args);
  }

  /** Single tasks, one at a time: enqueue to result, through a sink and its ack. */
  private static void latency(RedisServer server, int count) throws Exception {
    try (RedisBridge redis = RedisBridge.connect(server.uri());
        RemoteWorker worker =
            RemoteWorker.builder(redis, "latency")
                .handle(StageHandler.map("noop", Integer.class, Integer.class, (Integer x) -> x))
                .concurrency(1)
                .build()
                .start()) {
      TaskRedisSink<Integer> sink =
          TaskRedisSink.builder(redis, "latency", "noop", Integer.class).withReplies().build();
      TaskRedisAck<Integer> ack = sink.ack(Integer.class);
      long[] micros = new long[count];
      for (int i = -200; i < count; i++) { // 200 warm-up tasks
        long t0 = System.nanoTime();
        String id = sink.append(i).get(5, TimeUnit.SECONDS);
        ack.await(id).get(5, TimeUnit.SECONDS);
        if (i >= 0) {
          micros[i] = (System.nanoTime() - t0) / 1000;
        }
      }
      Arrays.sort(micros);
      System.out.printf(
          "latency, one task at a time (%d tasks): p50 %.3f ms, p99 %.3f ms, max %.3f ms%n",
          count,
          micros[count / 2] / 1000.0,
          micros[count * 99 / 100] / 1000.0,
          micros[count - 1] / 1000.0);
      sink.close();
    }
  }

  private static void check(long got, int expected) {
    if (got != expected) {
      throw new IllegalStateException("expected " + expected + " tasks, got " + got);
    }
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  @SuppressWarnings("unused")
  private static List<Integer> range(int n) {
    return new ArrayList<>(IntStream.range(0, n).boxed().toList());
  }
}
