package io.celestialflow.process;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A few bytes of memory shared by a worker JVM and its parent through a memory-mapped file.
 *
 * <p>Before each task the worker stores the task's sequence number as <em>started</em>, and after
 * its result is buffered as <em>finished</em>: two stores per task, no system call. Because the
 * mapping outlives the process, the parent can read them after the worker died — whatever killed it
 * — and so knows exactly which task was running: only that task is failed (or retried); the others
 * it held are sent again. The parent also reads them while the worker lives, to enforce the stage's
 * per-task timeout.
 *
 * <p>The file is deleted as soon as both sides have mapped it (or the worker failed to start).
 */
final class ProgressFile {
  private static final int SIZE = 64;
  private static final int STARTED = 0;
  private static final int FINISHED = 8;
  private static final VarHandle LONGS =
      MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

  private final Path path;
  private final MappedByteBuffer buffer;

  private ProgressFile(Path path, MappedByteBuffer buffer) {
    this.path = path;
    this.buffer = buffer;
  }

  /**
   * Creates and maps a new progress file in the temporary directory (parent side).
   *
   * @return the file
   * @throws IOException if it cannot be created
   */
  static ProgressFile create() throws IOException {
    // The parent's pid in the name: whose files these are, when several JVMs share the directory.
    Path p =
        Files.createTempFile(
            "celestialflow-worker-" + ProcessHandle.current().pid() + "-", ".progress");
    try {
      return open(p);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(p);
      throw e;
    }
  }

  /**
   * Maps an existing progress file (worker side).
   *
   * @param path the file
   * @return the mapping
   * @throws IOException if it cannot be mapped
   */
  static ProgressFile open(Path path) throws IOException {
    try (FileChannel ch =
        FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      return new ProgressFile(path, ch.map(FileChannel.MapMode.READ_WRITE, 0, SIZE));
    }
  }

  /**
   * The file's path.
   *
   * @return the path
   */
  Path path() {
    return path;
  }

  /** Deletes the file; the mappings stay valid. Never throws. */
  void delete() {
    try {
      Files.deleteIfExists(path);
    } catch (IOException | RuntimeException e) {
      path.toFile().deleteOnExit();
    }
  }

  /**
   * Records that a task is about to start.
   *
   * @param seq the task's sequence number
   */
  void started(long seq) {
    LONGS.setVolatile(buffer, STARTED, seq);
  }

  /**
   * Records that a task's result is buffered.
   *
   * @param seq the task's sequence number
   */
  void finished(long seq) {
    LONGS.setRelease(buffer, FINISHED, seq);
  }

  /**
   * The sequence number of the last task started.
   *
   * @return the number, 0 before the first task
   */
  long started() {
    return (long) LONGS.getVolatile(buffer, STARTED);
  }

  /**
   * The sequence number of the last task finished.
   *
   * @return the number, 0 before the first task
   */
  long finished() {
    return (long) LONGS.getVolatile(buffer, FINISHED);
  }
}
