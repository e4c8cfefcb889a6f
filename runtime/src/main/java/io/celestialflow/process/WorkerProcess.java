package io.celestialflow.process;

import com.google.gson.Gson;
import io.celestialflow.StageKind;
import io.celestialflow.WorkerOutput;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker JVM of a {@link ProcessDriver}, from launch to exit: the process, its connection, its
 * shared {@link ProgressFile}, and the two threads that read its standard output and error (each
 * line goes to the stage's {@link WorkerOutput}, never into the task stream).
 *
 * <p>A replacement after a crash is a new {@code WorkerProcess}; the driver's slot outlives them.
 */
final class WorkerProcess {
  private static final Logger log = LoggerFactory.getLogger(WorkerProcess.class);

  /** How long a new worker JVM may take to connect. */
  static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Gson GSON = new Gson();
  private static final int TAIL_LINES = 20;
  private static final int ACCEPT_POLL_MILLIS = 50;

  /** Why the engine ended a worker. */
  enum Kill {
    /** It sent no heartbeat within the stage's heartbeat timeout. */
    HUNG,
    /** A task ran past the stage's timeout. */
    TIMED_OUT,
    /** Its connection broke. */
    CONNECTION_LOST,
    /** The run was cancelled or the stage is shutting down. */
    STOPPED
  }

  /** A worker could not be started; the message says why. */
  static final class StartFailure extends Exception {
    private static final long serialVersionUID = 1L;
    final boolean aborted;

    StartFailure(String message, boolean aborted) {
      super(message);
      this.aborted = aborted;
    }
  }

  final String stage;
  final int worker;
  final Process process;
  final long pid;
  final ProgressFile progress;
  private final Socket socket;
  final DataInputStream in;
  private final OutputStream out;
  private final Thread[] pumps;
  private final ArrayDeque<String> tail;
  private final ReentrantLock tailLock;
  final long launchedAt;
  final long readyAt;

  /** When the last frame was handled (the reader sets it after handling each frame). */
  volatile long lastHeard;

  /** The reader is handling a frame (perhaps waiting for room downstream): not a silence. */
  volatile boolean readerBusy;

  /** The sender could not write to it; no more tasks go there. */
  volatile boolean writeFailed;

  private final AtomicReference<@Nullable Kill> kill = new AtomicReference<>();

  /** The sequence number of the next task sent; guarded by the slot's lock. */
  long nextSeq = 1;

  /** For the watchdog only: the running task it last saw, and since when. */
  long watchedSeq;

  long watchedSince;

  private WorkerProcess(
      String stage,
      int worker,
      Process process,
      ProgressFile progress,
      Socket socket,
      DataInputStream in,
      Thread[] pumps,
      ArrayDeque<String> tail,
      ReentrantLock tailLock,
      long launchedAt)
      throws IOException {
    this.stage = stage;
    this.worker = worker;
    this.process = process;
    this.pid = process.pid();
    this.progress = progress;
    this.socket = socket;
    this.in = in;
    this.out = socket.getOutputStream();
    this.pumps = pumps;
    this.tail = tail;
    this.tailLock = tailLock;
    this.launchedAt = launchedAt;
    this.readyAt = System.nanoTime();
    this.lastHeard = readyAt;
  }

  /**
   * Launches a worker JVM and waits until it has connected and proved it is the one launched.
   *
   * @param abort polled while waiting; true stops the launch
   * @throws StartFailure if it exits, does not connect in time, or {@code abort} says so
   */
  static WorkerProcess start(
      ProcessSpec spec,
      String stage,
      StageKind kind,
      int worker,
      String threadPrefix,
      BooleanSupplier abort)
      throws StartFailure {
    long launchedAt = System.nanoTime();
    String name = "worker " + worker + " of stage '" + stage + "'";
    ProgressFile progress;
    ServerSocket server;
    try {
      progress = ProgressFile.create();
    } catch (IOException e) {
      throw new StartFailure(name + " could not create its progress file: " + e, false);
    }
    try {
      server = new ServerSocket();
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
      server.setSoTimeout(ACCEPT_POLL_MILLIS);
    } catch (IOException e) {
      progress.delete();
      throw new StartFailure(name + " could not open a loopback port: " + e, false);
    }
    Process process = null;
    Thread[] pumps = new Thread[0];
    ArrayDeque<String> tail = new ArrayDeque<>();
    ReentrantLock tailLock = new ReentrantLock();
    boolean ok = false;
    try {
      byte[] secret = new byte[16];
      RANDOM.nextBytes(secret);
      String token = HexFormat.of().formatHex(secret);
      try {
        process = new ProcessBuilder(spec.command()).start();
      } catch (IOException e) {
        throw new StartFailure(name + " could not be launched: " + e, false);
      }
      pumps =
          new Thread[] {
            pump(
                spec, stage, worker, process.getInputStream(), false, threadPrefix, tail, tailLock),
            pump(spec, stage, worker, process.getErrorStream(), true, threadPrefix, tail, tailLock)
          };
      WorkerConfig config =
          new WorkerConfig(
              Wire.VERSION,
              token,
              server.getLocalPort(),
              stage,
              worker,
              spec.stageClass().getName(),
              kind,
              spec.codecsClass().getName(),
              Math.max(10, spec.heartbeatTimeout().toMillis() / 4),
              progress.path().toString(),
              ProcessHandle.current().pid());
      try {
        OutputStream stdin = process.getOutputStream();
        stdin.write((GSON.toJson(config) + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush(); // and kept open: its end of file tells the worker we are gone
      } catch (IOException e) {
        // It died already; the wait below reports how.
      }
      long deadline = launchedAt + START_TIMEOUT.toNanos();
      while (true) {
        Socket socket;
        try {
          socket = server.accept();
        } catch (SocketTimeoutException e) {
          if (abort.getAsBoolean()) {
            throw new StartFailure(name + ": start abandoned", true);
          }
          if (!process.isAlive()) {
            joinPumps(pumps, 2000);
            throw new StartFailure(
                name
                    + " exited with status "
                    + process.exitValue()
                    + " before connecting"
                    + tailText(tail, tailLock),
                false);
          }
          if (System.nanoTime() - deadline > 0) {
            throw new StartFailure(
                name + " did not connect within " + START_TIMEOUT + tailText(tail, tailLock),
                false);
          }
          continue;
        } catch (IOException e) {
          throw new StartFailure(name + ": waiting for its connection failed: " + e, false);
        }
        WorkerProcess w =
            handshake(
                socket, token, stage, worker, process, progress, pumps, tail, tailLock, launchedAt);
        if (w != null) {
          ok = true;
          log.debug(
              "{} (pid {}) ready in {} ms",
              name,
              w.pid,
              TimeUnit.NANOSECONDS.toMillis(w.readyAt - launchedAt));
          return w;
        }
      }
    } finally {
      try {
        server.close();
      } catch (IOException e) {
        // Nothing to do.
      }
      progress.delete(); // mapped by both sides by now, or no longer needed
      if (!ok && process != null) {
        process.destroyForcibly();
        awaitExit(process, 5000);
        joinPumps(pumps, 1000);
      }
    }
  }

  /** Reads HELLO; returns null (and closes the socket) if it is not our worker speaking. */
  private static @Nullable WorkerProcess handshake(
      Socket socket,
      String token,
      String stage,
      int worker,
      Process process,
      ProgressFile progress,
      Thread[] pumps,
      ArrayDeque<String> tail,
      ReentrantLock tailLock,
      long launchedAt) {
    try {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(10_000);
      DataInputStream in =
          new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
      int length = Wire.readLength(in);
      if (length < 0 || length > 4096 || in.readByte() != Wire.HELLO) {
        throw new IOException("not a HELLO frame");
      }
      int version = in.readInt();
      long pid = in.readLong();
      String theirs = Wire.readString(in);
      if (version != Wire.VERSION) {
        throw new IOException("protocol version " + version + ", expected " + Wire.VERSION);
      }
      if (!MessageDigest.isEqual(
          theirs.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
        throw new IOException("wrong token");
      }
      if (pid != process.pid()) {
        log.debug(
            "worker {} of stage '{}' reports pid {}, launched {}",
            worker,
            stage,
            pid,
            process.pid());
      }
      socket.setSoTimeout(0);
      return new WorkerProcess(
          stage, worker, process, progress, socket, in, pumps, tail, tailLock, launchedAt);
    } catch (IOException e) {
      log.warn(
          "rejected a connection to worker {} of stage '{}': {}", worker, stage, e.getMessage());
      try {
        socket.close();
      } catch (IOException ignored) {
        // Nothing to do.
      }
      return null;
    }
  }

  private static Thread pump(
      ProcessSpec spec,
      String stage,
      int worker,
      InputStream stream,
      boolean error,
      String threadPrefix,
      ArrayDeque<String> tail,
      ReentrantLock tailLock) {
    WorkerOutput sink = spec.workerOutput();
    return Thread.ofPlatform()
        .name(threadPrefix + (error ? "-err" : "-out"))
        .daemon(true)
        .start(() -> {
          try (BufferedReader r =
              new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
              // Both streams: the JVM reports its own fatal errors on standard output.
              tailLock.lock();
              try {
                if (tail.size() == TAIL_LINES) {
                  tail.removeFirst();
                }
                tail.addLast(line);
              } finally {
                tailLock.unlock();
              }
              try {
                sink.line(stage, worker, error, line);
              } catch (RuntimeException e) {
                log.warn("the worker output sink of stage '{}' threw", stage, e);
              }
            }
          } catch (IOException e) {
            // The worker is gone.
          }
        });
  }

  private static String tailText(ArrayDeque<String> tail, ReentrantLock lock) {
    lock.lock();
    try {
      return tail.isEmpty() ? "" : "; its last lines of output:\n  " + String.join("\n  ", tail);
    } finally {
      lock.unlock();
    }
  }

  /** The worker's last lines of output, for a crash report. */
  String tail() {
    return tailText(tail, tailLock);
  }

  // ---------------------------------------------------------------- talking to it

  /** Sends a frame; only the slot's sender thread calls this. */
  void send(Wire.Frame frame) throws IOException {
    frame.writeTo(out);
  }

  /** No more tasks: asks the worker to finish and exit (and closes its standard input). */
  void sayGoodbye() {
    try {
      new Wire.Frame(16).begin(Wire.BYE).writeTo(out);
    } catch (IOException e) {
      // Already gone.
    }
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // Already gone.
    }
  }

  /** Ends the worker at once, remembering why (the first reason wins). */
  void kill(Kill why) {
    kill.compareAndSet(null, why);
    process.destroyForcibly();
  }

  /** Asks the worker to stop (SIGTERM: its shutdown hooks run); see {@link #terminate}. */
  void stop() {
    kill.compareAndSet(null, Kill.STOPPED);
    process.destroy();
  }

  @Nullable Kill killed() {
    return kill.get();
  }

  /** Unblocks the reader of a worker whose process is gone but whose socket lingers. */
  void closeConnection() {
    try {
      socket.close();
    } catch (IOException e) {
      // Nothing to do.
    }
  }

  /**
   * Makes sure the worker has exited: waits {@code graceMillis}, then kills it, then closes the
   * connection and waits for the output threads.
   *
   * @return its exit status, or -1 if it could not be reaped
   */
  int terminate(long graceMillis) {
    if (!awaitExit(process, graceMillis)) {
      process.destroyForcibly();
      awaitExit(process, 10_000);
    }
    closeConnection();
    joinPumps(pumps, 2000);
    return process.isAlive() ? -1 : process.exitValue();
  }

  boolean pumpsDone() {
    for (Thread t : pumps) {
      if (t.isAlive()) {
        return false;
      }
    }
    return true;
  }

  void joinPumps(long millis) {
    joinPumps(pumps, millis);
  }

  private static boolean awaitExit(Process p, long millis) {
    boolean interrupted = false;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    try {
      while (true) {
        try {
          return p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void joinPumps(Thread[] pumps, long millis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    for (Thread t : pumps) {
      try {
        t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public String toString() {
    return "worker " + worker + " of stage '" + stage + "' (pid " + pid + ")";
  }
}
