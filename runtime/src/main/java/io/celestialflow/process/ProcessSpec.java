package io.celestialflow.process;

import io.celestialflow.GraphDefinitionException;
import io.celestialflow.WorkerOutput;
import io.celestialflow.codec.CodecException;
import io.celestialflow.codec.CodecFactory;
import io.celestialflow.codec.TaskCodec;
import io.celestialflow.internal.ProcessPlan;
import io.celestialflow.internal.ProcessSettings;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * What an {@link io.celestialflow.ExecutionMode#PROCESS} stage needs beyond the common policy: the
 * class each worker JVM instantiates, its exact types and codecs (made and checked when the stage
 * is built), and how to start the worker JVMs.
 */
final class ProcessSpec implements ProcessPlan {
  private final Class<?> stageClass;
  private final Class<? extends CodecFactory> codecsClass;
  private final TaskCodec<Object> input;
  private final @Nullable TaskCodec<Object> output;
  private final List<String> jvmOptions;
  private final Duration heartbeatTimeout;
  private final WorkerOutput workerOutput;

  private ProcessSpec(
      ProcessSettings settings, TaskCodec<Object> input, @Nullable TaskCodec<Object> output) {
    this.stageClass = settings.stageClass();
    this.codecsClass = settings.codecs();
    this.input = input;
    this.output = output;
    this.jvmOptions = settings.jvmOptions();
    this.heartbeatTimeout = settings.heartbeatTimeout();
    this.workerOutput = settings.workerOutput();
  }

  /**
   * Checks the class and makes the codecs, so that a stage whose values cannot cross a process
   * boundary fails when it is built, not when its first task runs.
   *
   * @throws GraphDefinitionException naming the stage and the reason
   */
  static ProcessSpec of(ProcessSettings settings) {
    String stage = settings.stage();
    Module runtime = ProcessSpec.class.getModule();
    if (runtime.isNamed()) {
      throw new GraphDefinitionException(
          "stage '"
              + stage
              + "': worker JVMs start with the class path only (java.class.path), but the runtime"
              + " runs as module "
              + runtime.getName()
              + "; run PROCESS stages with the runtime and the stage's classes on the class path");
    }
    Class<?> stageClass = settings.stageClass();
    String problem = WorkerClasses.problem(stageClass);
    if (problem != null) {
      throw new GraphDefinitionException("stage '" + stage + "': " + problem);
    }
    StageTypes types;
    try {
      types = StageTypes.of(stageClass, settings.kind());
    } catch (IllegalArgumentException e) {
      throw new GraphDefinitionException("stage '" + stage + "': " + e.getMessage());
    }
    CodecFactory factory;
    try {
      factory = WorkerClasses.instantiate(settings.codecs());
    } catch (RuntimeException e) {
      throw new GraphDefinitionException(
          "stage '" + stage + "': cannot create its codec factory: " + e.getMessage());
    }
    TaskCodec<Object> in = codec(factory, types.input(), stage, "send its tasks to a worker");
    Type out = types.output();
    TaskCodec<Object> outCodec =
        out == null ? null : codec(factory, out, stage, "receive results from a worker");
    return new ProcessSpec(settings, in, outCodec);
  }

  private static TaskCodec<Object> codec(
      CodecFactory factory, Type type, String stage, String role) {
    try {
      return factory.codec(type);
    } catch (CodecException e) {
      throw new GraphDefinitionException(String.valueOf(e.forStage(stage, role).getMessage()));
    } catch (RuntimeException e) {
      throw new GraphDefinitionException(
          "stage '"
              + stage
              + "': cannot "
              + role
              + " (type "
              + type.getTypeName()
              + "): the codec factory failed: "
              + e);
    }
  }

  Class<?> stageClass() {
    return stageClass;
  }

  Class<? extends CodecFactory> codecsClass() {
    return codecsClass;
  }

  TaskCodec<Object> input() {
    return input;
  }

  @Nullable TaskCodec<Object> output() {
    return output;
  }

  Duration heartbeatTimeout() {
    return heartbeatTimeout;
  }

  WorkerOutput workerOutput() {
    return workerOutput;
  }

  /** The command that starts one worker JVM with the driving JVM's class path. */
  List<String> command() {
    boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win");
    String java =
        Path.of(System.getProperty("java.home"), "bin", windows ? "java.exe" : "java").toString();
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    // A worker that runs out of memory dies (and is replaced) instead of limping on.
    cmd.add("-XX:+ExitOnOutOfMemoryError");
    // The parent reads the worker's output as UTF-8, whatever the platform's default.
    cmd.add("-Dstdout.encoding=UTF-8");
    cmd.add("-Dstderr.encoding=UTF-8");
    cmd.addAll(jvmOptions); // after ours, so that the user's win
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path", "."));
    cmd.add(ProcessWorkerMain.class.getName());
    return cmd;
  }
}
