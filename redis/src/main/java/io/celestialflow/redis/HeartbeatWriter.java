package io.celestialflow.redis;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * Writes the worker's heartbeat into every served stage's workers hash (docs/protocol.md section
 * 4), and removes it when the worker stops. The first heartbeat written means the worker has
 * joined. Runs on the housekeeping thread.
 */
final class HeartbeatWriter {
  private static final Logger log = LoggerFactory.getLogger(RemoteWorker.class);

  private final WorkerState state;
  private final Link link;
  private final CountDownLatch joined;

  HeartbeatWriter(WorkerState state, Link link, CountDownLatch joined) {
    this.state = state;
    this.link = link;
    this.joined = joined;
  }

  void beat() throws InterruptedException {
    if (!state.running()) {
      return;
    }
    String json = json();
    long ttl = Math.max(10 * state.settings.heartbeatInterval().toMillis(), 30_000);
    link.call(
        j -> {
          Pipeline p = j.pipelined();
          for (ServedStage st : state.stages()) {
            p.hset(st.keys.workers(), state.consumer(), json);
            p.pexpire(st.keys.workers(), ttl);
          }
          p.sync();
          return null;
        },
        state::running);
    joined.countDown(); // the link created the groups when it connected
  }

  private String json() {
    WorkerSettings settings = state.settings;
    StringBuilder s = new StringBuilder(256);
    s.append("{\"v\":1,\"consumer\":");
    Wire.quote(s, settings.consumer()).append(",\"group\":");
    Wire.quote(s, settings.group()).append(",\"ts\":").append(System.currentTimeMillis());
    s.append(",\"started\":").append(state.startedAt);
    s.append(",\"interval\":").append(settings.heartbeatInterval().toMillis());
    s.append(",\"pid\":").append(ProcessHandle.current().pid()).append(",\"host\":");
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "";
    }
    Wire.quote(s, host).append(",\"lang\":\"java\"");
    s.append(",\"inflight\":").append(state.held.size());
    s.append(",\"processed\":").append(state.processed.sum());
    s.append(",\"failed\":").append(state.failed.sum()).append(",\"stages\":[");
    boolean first = true;
    for (String name : state.stages.keySet()) {
      if (!first) {
        s.append(',');
      }
      first = false;
      Wire.quote(s, name);
    }
    return s.append("]}").toString();
  }

  /** Removes the worker's heartbeat (a stopped worker); best effort. */
  void remove() {
    try (Jedis j = state.redis.borrow()) {
      Pipeline p = j.pipelined();
      for (ServedStage s : state.stages()) {
        p.hdel(s.keys.workers(), state.consumer());
      }
      p.sync();
    } catch (RuntimeException e) {
      log.debug("worker {}: could not remove its heartbeat", state.consumer(), e);
    }
  }
}
