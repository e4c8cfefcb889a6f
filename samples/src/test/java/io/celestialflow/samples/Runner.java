package io.celestialflow.samples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** Runs a generated {@code main} and captures what it prints. */
final class Runner {
  private Runner() {}

  /** What a run printed: the JSON outputs and the summary. */
  record Printed(String out, String err) {}

  /** Calls a main method (a generated one, say) as the JVM would, capturing what it prints. */
  static synchronized Printed run(Consumer<String[]> main, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      main.accept(args);
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
    return new Printed(out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
