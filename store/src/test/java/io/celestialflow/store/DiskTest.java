package io.celestialflow.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A read-only and a full disk, for real: child JVMs in their own mount namespace ({@code unshare
 * -rm}) where the store directory is a read-only bind mount or a tiny tmpfs. Root ignores file
 * permissions, so a {@code chmod} would prove nothing here. One warning, and the run completes.
 */
@Timeout(120)
class DiskTest {
  @TempDir Path dir;

  @BeforeAll
  static void needsMountNamespaces() {
    assumeTrue(ChildJvm.canUnshare(), "this machine does not allow unshare -rm");
  }

  @Test
  void aReadOnlyStoreDirectoryGivesOneWarningAndTheRunCompletes() throws Exception {
    Path store = Files.createDirectory(dir.resolve("read-only"));
    Path out = dir.resolve("sink.txt");
    String setup =
        "mount --bind '"
            + store
            + "' '"
            + store
            + "' && mount -o remount,bind,ro '"
            + store
            + "' '"
            + store
            + "'";
    try (ChildJvm child =
        ChildJvm.startIn(
            dir,
            setup,
            "launch",
            out.toString(),
            "--input",
            "slow=[1,2,3,4,5]",
            "--store",
            store.toString())) {
      String stdout = new String(child.process.getInputStream().readAllBytes());
      int status = child.await(60);
      String stderr = child.err();
      assertThat(status).as("stderr: %s", stderr).isZero();
      assertThat(stdout).contains("{}"); // no collected stage: an empty JSON object of outputs
      List<String> warnings =
          Arrays.stream(stderr.split("\n"))
              .filter(l -> l.toLowerCase(java.util.Locale.ROOT).contains("warn"))
              .toList();
      assertThat(warnings)
          .as("stderr: %s", stderr)
          .singleElement()
          .asString()
          .contains(store.toString())
          .contains("read-only")
          .contains("the run goes on without its store");
    }
    assertThat(Files.readAllLines(out)).containsExactlyInAnyOrder("1", "2", "3", "4", "5");
    try (var files = Files.list(store)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void aDiskThatFillsUpMidRunGivesOneWarningAndTheRunCompletes() throws Exception {
    Path store = Files.createDirectory(dir.resolve("tiny"));
    String setup = "mount -t tmpfs -o size=1m tmpfs '" + store + "'";
    int n = 100_000;
    try (ChildJvm child =
        ChildJvm.startIn(dir, setup, "failures", store.toString(), Integer.toString(n))) {
      String stdout = new String(child.process.getInputStream().readAllBytes());
      int status = child.await(90);
      String stderr = child.err();
      assertThat(status).as("stderr: %s", stderr).isZero();
      // The run completed and said so; the store reports what went wrong.
      assertThat(stdout).startsWith("done ").contains("full");
      List<String> warnings =
          Arrays.stream(stderr.split("\n")).filter(l -> l.startsWith("WARN")).toList();
      assertThat(warnings)
          .as("stderr: %s", stderr)
          .singleElement()
          .asString()
          .contains("cannot write run store")
          .contains("full")
          .contains("the run goes on without its store");
    }
  }
}
