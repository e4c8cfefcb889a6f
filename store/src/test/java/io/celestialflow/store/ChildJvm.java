package io.celestialflow.store;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A child JVM running {@link StoreChild} with the test class path; never left running. */
final class ChildJvm implements AutoCloseable {
  final Process process;
  final Path stderr;

  private ChildJvm(Process process, Path stderr) {
    this.process = process;
    this.stderr = stderr;
  }

  /**
   * Starts {@code StoreChild args}, its standard error going to a file in {@code scratch}. With a
   * {@code setup} shell command, the child runs in its own user and mount namespace ({@code unshare
   * -rm}) after that command, which may mount file systems there (a read-only or a tiny one).
   */
  static ChildJvm startIn(Path scratch, String setup, String... args) throws IOException {
    // sqlite-jdbc copies its native library into the temporary directory and deletes it when the
    // JVM exits; a child killed with -9 would leave it in /tmp, one per kill, run after run.
    Path natives = Files.createDirectories(scratch.resolve("sqlite-native"));
    List<String> command =
        setup.isEmpty()
            ? javaArgs(natives, args)
            : List.of("unshare", "-rm", "sh", "-c", setup + " && " + javaCommand(natives, args));
    Path err = Files.createTempFile(scratch, "child", ".err");
    Process p =
        new ProcessBuilder(command)
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    return new ChildJvm(p, err);
  }

  static ChildJvm start(Path scratch, String... args) throws IOException {
    return startIn(scratch, "", args);
  }

  /** Whether this machine lets a process make its own mount namespace (for the disk tests). */
  static boolean canUnshare() {
    try {
      Process p =
          new ProcessBuilder("unshare", "-rm", "sh", "-c", "mount -t tmpfs tmpfs /mnt")
              .redirectErrorStream(true)
              .start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static List<String> javaArgs(Path natives, String... args) {
    List<String> c = new ArrayList<>();
    c.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    c.add("--enable-native-access=ALL-UNNAMED");
    c.add("-Dorg.sqlite.tmpdir=" + natives);
    c.add("-Xmx256m");
    c.add("-cp");
    c.add(System.getProperty("java.class.path"));
    c.add(StoreChild.class.getName());
    c.addAll(List.of(args));
    return c;
  }

  /** The java command as one shell-quoted string, for a {@code sh -c} prefix. */
  private static String javaCommand(Path natives, String... args) {
    StringBuilder s = new StringBuilder("exec");
    for (String a : javaArgs(natives, args)) {
      s.append(" '").append(a.replace("'", "'\\''")).append('\'');
    }
    return s.toString();
  }

  BufferedReader stdout() {
    return new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  /** Waits for the exit; fails with the child's standard error if it takes too long. */
  int await(long seconds) throws Exception {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError("child did not exit in " + seconds + " s; stderr:\n" + err());
    }
    return process.exitValue();
  }

  String err() throws IOException {
    return Files.readString(stderr);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
