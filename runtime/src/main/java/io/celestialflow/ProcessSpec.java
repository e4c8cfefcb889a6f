package io.celestialflow;

import io.celestialflow.codec.CodecException;
import io.celestialflow.codec.CodecFactory;
import io.celestialflow.codec.GsonCodecFactory;
import io.celestialflow.codec.TaskCodec;
import io.celestialflow.process.ProcessWorkerMain;
import io.celestialflow.process.StageTypes;
import io.celestialflow.process.WorkerClasses;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What an {@link ExecutionMode#PROCESS} stage needs beyond the common policy: the class each worker
 * JVM instantiates, its exact types and codecs (made and checked when the stage is built), and how
 * to start the worker JVMs.
 */
final class ProcessSpec {
  /** The default time a worker may stay silent before it is considered hung. */
  static final Duration DEFAULT_HEARTBEAT_TIMEOUT = Duration.ofSeconds(10);

  private static final Pattern HEAP = Pattern.compile("[1-9][0-9]*[kKmMgGtT]?");
  private static final List<String> FORBIDDEN_ARGS =
      List.of("-cp", "-classpath", "--class-path", "-jar", "-m", "--module");

  private final Class<?> stageClass;
  private final Class<? extends CodecFactory> codecsClass;
  private final TaskCodec<Object> input;
  private final @Nullable TaskCodec<Object> output;
  private final List<String> jvmOptions;
  private final Duration heartbeatTimeout;
  private final WorkerOutput workerOutput;

  private ProcessSpec(
      Class<?> stageClass,
      Class<? extends CodecFactory> codecsClass,
      TaskCodec<Object> input,
      @Nullable TaskCodec<Object> output,
      List<String> jvmOptions,
      Duration heartbeatTimeout,
      WorkerOutput workerOutput) {
    this.stageClass = stageClass;
    this.codecsClass = codecsClass;
    this.input = input;
    this.output = output;
    this.jvmOptions = jvmOptions;
    this.heartbeatTimeout = heartbeatTimeout;
    this.workerOutput = workerOutput;
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

  /** The settings a {@link TaskStage.Builder} collects for a PROCESS stage. */
  static final class Builder {
    private final Class<?> stageClass;
    private @Nullable String heap;
    private final Map<String, String> properties = new LinkedHashMap<>();
    private final List<String> jvmArgs = new ArrayList<>();
    private @Nullable Duration heartbeatTimeout;
    private @Nullable Class<? extends CodecFactory> codecs;
    private @Nullable WorkerOutput workerOutput;

    Builder(Class<?> stageClass) {
      this.stageClass = Objects.requireNonNull(stageClass, "class");
    }

    void heap(String stage, String size) {
      Objects.requireNonNull(size, "size");
      if (!HEAP.matcher(size).matches()) {
        throw new GraphDefinitionException(
            "stage '" + stage + "': heap size '" + size + "' is not a JVM size such as 512m or 2g");
      }
      if (heap != null) {
        throw new GraphDefinitionException(
            "stage '" + stage + "': heap size was already set to " + heap);
      }
      heap = size;
    }

    void systemProperty(String stage, String key, String value) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      if (key.isBlank() || key.contains("=") || !key.strip().equals(key)) {
        throw new GraphDefinitionException(
            "stage '" + stage + "': '" + key + "' is not a valid system property name");
      }
      if (properties.putIfAbsent(key, value) != null) {
        throw new GraphDefinitionException(
            "stage '" + stage + "': system property '" + key + "' was already set");
      }
    }

    void jvmArgs(String stage, String... args) {
      for (String a : args) {
        Objects.requireNonNull(a, "argument");
        if (!a.startsWith("-") || !a.strip().equals(a) || a.length() < 2) {
          throw new GraphDefinitionException(
              "stage '" + stage + "': JVM argument '" + a + "' is not a JVM option (-X..., -D...)");
        }
        if (FORBIDDEN_ARGS.contains(a) || a.startsWith("-Xmx")) {
          throw new GraphDefinitionException(
              "stage '"
                  + stage
                  + "': JVM argument '"
                  + a
                  + "' is set by the engine"
                  + (a.startsWith("-Xmx")
                      ? "; use heap(...)"
                      : " (workers use this JVM's class path)"));
        }
        jvmArgs.add(a);
      }
    }

    void heartbeatTimeout(String stage, Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.compareTo(Duration.ofMillis(100)) < 0) {
        throw new GraphDefinitionException(
            "stage '" + stage + "': heartbeat timeout must be at least 100 ms, was " + timeout);
      }
      if (heartbeatTimeout != null) {
        throw new GraphDefinitionException(
            "stage '" + stage + "': heartbeat timeout was already set");
      }
      heartbeatTimeout = timeout;
    }

    void codecs(String stage, Class<? extends CodecFactory> factory) {
      Objects.requireNonNull(factory, "factory");
      if (codecs != null) {
        throw new GraphDefinitionException("stage '" + stage + "': codecs were already set");
      }
      codecs = factory;
    }

    void workerOutput(String stage, WorkerOutput sink) {
      Objects.requireNonNull(sink, "sink");
      if (workerOutput != null) {
        throw new GraphDefinitionException("stage '" + stage + "': worker output was already set");
      }
      workerOutput = sink;
    }

    /**
     * Checks the class and makes the codecs, so that a stage whose values cannot cross a process
     * boundary fails when it is built, not when its first task runs.
     */
    ProcessSpec build(String stage, StageKind kind) {
      String problem = WorkerClasses.problem(stageClass);
      if (problem != null) {
        throw new GraphDefinitionException("stage '" + stage + "': " + problem);
      }
      StageTypes types;
      try {
        types = StageTypes.of(stageClass, kind);
      } catch (IllegalArgumentException e) {
        throw new GraphDefinitionException("stage '" + stage + "': " + e.getMessage());
      }
      Class<? extends CodecFactory> factoryClass = codecs == null ? GsonCodecFactory.class : codecs;
      CodecFactory factory;
      try {
        factory = WorkerClasses.instantiate(factoryClass);
      } catch (RuntimeException e) {
        throw new GraphDefinitionException(
            "stage '" + stage + "': cannot create its codec factory: " + e.getMessage());
      }
      TaskCodec<Object> in = codec(factory, types.input(), stage, "send its tasks to a worker");
      java.lang.reflect.Type out = types.output();
      TaskCodec<Object> outCodec =
          out == null ? null : codec(factory, out, stage, "receive results from a worker");
      List<String> options = new ArrayList<>();
      if (heap != null) {
        options.add("-Xmx" + heap);
      }
      properties.forEach((k, v) -> options.add("-D" + k + "=" + v));
      options.addAll(jvmArgs);
      return new ProcessSpec(
          stageClass,
          factoryClass,
          in,
          outCodec,
          List.copyOf(options),
          heartbeatTimeout == null ? DEFAULT_HEARTBEAT_TIMEOUT : heartbeatTimeout,
          workerOutput == null ? WorkerOutput.standardStreams() : workerOutput);
    }

    private static TaskCodec<Object> codec(
        CodecFactory factory, java.lang.reflect.Type type, String stage, String role) {
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
  }
}
