package io.celestialflow.process;

import com.google.gson.Gson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The main class of a worker JVM of an {@link io.celestialflow.ExecutionMode#PROCESS} stage. The
 * engine starts it with the driving JVM's class path; users never start it by hand.
 *
 * <p>What it does:
 *
 * <ol>
 *   <li>reads its configuration (one JSON line) from standard input;
 *   <li>creates the stage's object with its no-argument constructor, and the stage's codecs;
 *   <li>connects to the parent over a loopback socket, authenticated by a secret token;
 *   <li>runs batches of tasks in order, sends their results in batches, and sends heartbeats;
 *   <li>exits when the parent says goodbye, closes the connection, or goes away: end of standard
 *       input (the parent's end of the pipe closes when it dies, even by {@code kill -9}), or a
 *       different parent process (checked every half second).
 * </ol>
 *
 * <p>The task stream never touches standard output or standard error: whatever the stage's code
 * prints there is captured by the parent and prefixed with the stage and worker number.
 */
public final class ProcessWorkerMain {
  private static final Duration PARENT_POLL = Duration.ofMillis(500);

  private ProcessWorkerMain() {}

  /**
   * Runs the worker.
   *
   * @param args ignored; the configuration arrives on standard input
   */
  public static void main(String[] args) {
    InputStream stdin = System.in;
    WorkerConfig config;
    try {
      String line = readLine(stdin);
      config = new Gson().fromJson(line, WorkerConfig.class);
      if (config == null || config.version() != Wire.VERSION) {
        throw new IllegalArgumentException(
            "protocol version mismatch: this worker speaks version "
                + Wire.VERSION
                + ", configuration was "
                + line);
      }
    } catch (IOException | RuntimeException e) {
      fatal("celestialflow worker: cannot read its configuration from standard input", e);
      return;
    }
    // Map the shared progress file and delete it before anything may end this JVM: once both
    // sides have it mapped, no file is left behind, whoever dies first.
    ProgressFile progress;
    try {
      progress = ProgressFile.open(Path.of(config.progressFile()));
      progress.delete();
    } catch (IOException | RuntimeException e) {
      fatal("celestialflow worker: cannot map its progress file", e);
      return;
    }
    watchParent(stdin, config.parentPid());
    WorkerLoop loop;
    try {
      loop = new WorkerLoop(config, progress);
    } catch (Exception | LinkageError e) {
      fatal(
          "celestialflow worker "
              + config.worker()
              + " of stage '"
              + config.stage()
              + "' cannot start",
          e);
      return;
    }
    int status = loop.run();
    exit(status);
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(512);
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      line.write(b);
    }
    if (b < 0 && line.size() == 0) {
      throw new IOException("standard input closed before the configuration line");
    }
    return line.toString(StandardCharsets.UTF_8);
  }

  /** Exits as soon as the parent is gone: end of standard input, or a new parent process. */
  private static void watchParent(InputStream stdin, long parentPid) {
    Thread.ofPlatform()
        .name("celestialflow-stdin-watch")
        .daemon(true)
        .start(() -> {
          byte[] sink = new byte[256];
          try {
            while (stdin.read(sink) >= 0) {
              // The parent writes nothing after the configuration line; keep draining.
            }
          } catch (IOException e) {
            // A broken pipe means the same as the end of the stream.
          }
          exit(Wire.EXIT_PARENT_GONE);
        });
    Thread.ofPlatform()
        .name("celestialflow-parent-watch")
        .daemon(true)
        .start(() -> {
          while (true) {
            Optional<ProcessHandle> parent = ProcessHandle.current().parent();
            if (parent.isEmpty() || parent.get().pid() != parentPid) {
              exit(Wire.EXIT_PARENT_GONE);
            }
            try {
              Thread.sleep(PARENT_POLL);
            } catch (InterruptedException e) {
              return;
            }
          }
        });
  }

  private static void fatal(String what, Throwable error) {
    StringWriter trace = new StringWriter();
    error.printStackTrace(new PrintWriter(trace));
    System.err.println(what + ": " + error);
    System.err.print(trace);
    System.err.flush();
    exit(Wire.EXIT_START_FAILED);
  }

  /**
   * Exits the JVM, running shutdown hooks, but halts anyway if they take more than a few seconds: a
   * worker must never outlive the reason it exits.
   */
  static void exit(int status) {
    Thread.ofPlatform()
        .name("celestialflow-exit")
        .daemon(true)
        .start(() -> {
          try {
            Thread.sleep(Duration.ofSeconds(5));
          } catch (InterruptedException e) {
            // Halt at once.
          }
          Runtime.getRuntime().halt(status);
        });
    System.exit(status);
  }
}
