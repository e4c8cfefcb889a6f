package io.celestialflow.store.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The benches' scratch directories: each made under the system's temporary directory and deleted,
 * with everything in it, when the JVM exits (normally or by Ctrl-C). A bench writes hundreds of
 * megabytes (a 1,000,000-task lineage run about a gigabyte of logs), which had piled up in /tmp.
 */
final class Scratch {
  private Scratch() {}

  /** A new directory whose name starts with {@code prefix}, deleted when the JVM exits. */
  static Path directory(String prefix) throws IOException {
    Path dir = Files.createTempDirectory(prefix);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir), prefix + "-cleanup"));
    return dir;
  }

  /** Deletes a directory and everything in it, if it is there. */
  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + dir, e);
    }
  }
}
