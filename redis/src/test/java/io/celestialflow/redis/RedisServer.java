package io.celestialflow.redis;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * A redis-server of the test's own, on a free loopback port, without persistence, in a temporary
 * directory; stopped (and its directory removed) by {@link #close()}, and by a shutdown hook should
 * the test JVM end first. Tests that kill Redis mid-run {@link #restart()} it on the same port. If
 * {@code redis-server} is not on the PATH the test fails, saying so: CI installs it.
 */
final class RedisServer implements AutoCloseable {
  private final Path dir;
  private final int port;
  private final String executable;
  private @Nullable Process process;
  private final Thread hook;

  private RedisServer(String executable, Path dir, int port) {
    this.executable = executable;
    this.dir = dir;
    this.port = port;
    this.hook = new Thread(this::kill, "redis-server-" + port + "-stop");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  static RedisServer start() throws IOException, InterruptedException {
    String executable = findExecutable();
    Path dir = Files.createTempDirectory("cf-redis-");
    RedisServer server = new RedisServer(executable, dir, freePort());
    try {
      server.launch();
    } catch (IOException | RuntimeException | InterruptedException e) {
      server.close();
      throw e;
    }
    return server;
  }

  private static String findExecutable() {
    String path = System.getenv("PATH");
    for (String d :
        java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(File.pathSeparator))
            .splitAsStream(path == null ? "" : path)
            .toList()) {
      Path p = Path.of(d, "redis-server");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new IllegalStateException(
        "redis-server is not on the PATH; the Redis bridge tests need a real Redis 6.2+ server"
            + " (Debian/Ubuntu: apt-get install -y redis-server)");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  private void launch() throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                executable,
                "--port",
                String.valueOf(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString(),
                "--daemonize",
                "no",
                "--loglevel",
                "warning"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()))
              .start();
      process = p;
      if (awaitPing(p, deadline)) {
        return;
      }
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            "redis-server did not start on port " + port + ": " + log());
      }
      Thread.sleep(100); // the port may still be held by the previous instance
    }
  }

  private boolean awaitPing(Process p, long deadline) throws InterruptedException {
    while (System.nanoTime() - deadline < 0) {
      if (!p.isAlive()) {
        return false;
      }
      try (Jedis j = connect(port, 500)) {
        if ("PONG".equals(j.ping())) {
          return true;
        }
      } catch (RuntimeException e) {
        Thread.sleep(20);
      }
    }
    return false;
  }

  private String log() {
    try {
      return Files.readString(dir.resolve("redis.log"));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  int port() {
    return port;
  }

  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  Jedis client() {
    return connect(port, 5000);
  }

  private static Jedis connect(int port, int timeoutMillis) {
    return new Jedis(
        new HostAndPort("127.0.0.1", port),
        DefaultJedisClientConfig.builder()
            .resp2()
            .connectionTimeoutMillis(timeoutMillis)
            .socketTimeoutMillis(timeoutMillis)
            .build());
  }

  /** Kills the server at once (SIGKILL): every stream is lost. */
  void kill() {
    Process p = process;
    if (p != null) {
      p.destroyForcibly();
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Starts it again on the same port (empty). */
  void restart() throws IOException, InterruptedException {
    kill();
    launch();
  }

  /** Deletes every key. */
  void flush() {
    try (Jedis j = client()) {
      j.flushAll();
    }
  }

  Duration uptime() {
    Process p = process;
    return p == null
        ? Duration.ZERO
        : p.info()
            .startInstant()
            .map(s -> Duration.between(s, java.time.Instant.now()))
            .orElse(Duration.ZERO);
  }

  @Override
  public void close() {
    kill();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // shutting down
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // best effort
    }
  }
}
