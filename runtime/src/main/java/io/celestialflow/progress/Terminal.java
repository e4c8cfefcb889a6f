package io.celestialflow.progress;

import java.io.Console;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What the JDK does not say about the console: whether standard output or error is a terminal, and
 * how wide the terminal is. Linux answers through {@code /proc/self/fd}; elsewhere {@link
 * System#console()} stands in (it speaks for standard input and output, not error).
 */
final class Terminal {
  /** Columns assumed when the width cannot be found. */
  static final int DEFAULT_WIDTH = 80;

  private Terminal() {}

  /**
   * Whether a standard stream of this process is a terminal that understands cursor movement.
   *
   * @param fd 1 for standard output, 2 for standard error
   */
  static boolean isTerminal(int fd) {
    if ("dumb".equals(System.getenv("TERM"))) {
      return false;
    }
    Path link = Path.of("/proc/self/fd/" + fd);
    if (Files.isSymbolicLink(link)) {
      try {
        String target = Files.readSymbolicLink(link).toString();
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
      } catch (IOException | SecurityException e) {
        return false;
      }
    }
    return consoleIsTerminal();
  }

  private static boolean consoleIsTerminal() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      // JDK 22+ returns a console even when redirected; it then says whether it is a terminal.
      Method isTerminal = Console.class.getMethod("isTerminal");
      return Boolean.TRUE.equals(isTerminal.invoke(console));
    } catch (ReflectiveOperationException e) {
      return true; // JDK 21: a console exists only when standard input and output are terminals
    }
  }

  /**
   * The terminal's width in columns: {@code $COLUMNS} when exported, else what {@code stty size}
   * says of the controlling terminal, else {@value #DEFAULT_WIDTH}.
   */
  static int width() {
    String columns = System.getenv("COLUMNS");
    if (columns != null) {
      try {
        int c = Integer.parseInt(columns.strip());
        if (c > 0) {
          return c;
        }
      } catch (NumberFormatException e) {
        // fall through to stty
      }
    }
    File tty = new File("/dev/tty");
    if (!tty.exists()) {
      return DEFAULT_WIDTH;
    }
    try {
      Process stty =
          new ProcessBuilder("stty", "size")
              .redirectInput(tty)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      try (InputStream in = stty.getInputStream()) {
        if (!stty.waitFor(1, TimeUnit.SECONDS)) {
          stty.destroyForcibly();
          return DEFAULT_WIDTH;
        }
        String[] size = new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip().split(" ");
        int c = size.length == 2 ? Integer.parseInt(size[1]) : 0;
        return c > 0 ? c : DEFAULT_WIDTH;
      }
    } catch (IOException | NumberFormatException e) {
      return DEFAULT_WIDTH;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return DEFAULT_WIDTH;
    }
  }
}
