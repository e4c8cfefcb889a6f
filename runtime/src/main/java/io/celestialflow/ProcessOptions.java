package io.celestialflow;

import io.celestialflow.codec.CodecFactory;
import io.celestialflow.codec.GsonCodecFactory;
import io.celestialflow.internal.ProcessSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The settings a {@link TaskStage.Builder} collects for an {@link ExecutionMode#PROCESS} stage,
 * each checked as it is set. When the stage is built they become {@link ProcessSettings}, with the
 * defaults filled in, for the PROCESS backend to check what needs it (the class, the types, the
 * codecs: {@link ProcessBridge#plan}).
 */
final class ProcessOptions {
  /** The default time a worker may stay silent before it is considered hung. */
  static final Duration DEFAULT_HEARTBEAT_TIMEOUT = Duration.ofSeconds(10);

  private static final Pattern HEAP = Pattern.compile("[1-9][0-9]*[kKmMgGtT]?");
  private static final List<String> FORBIDDEN_ARGS =
      List.of("-cp", "-classpath", "--class-path", "-jar", "-m", "--module");

  private final Class<?> stageClass;
  private @Nullable String heap;
  private final Map<String, String> properties = new LinkedHashMap<>();
  private final List<String> jvmArgs = new ArrayList<>();
  private @Nullable Duration heartbeatTimeout;
  private @Nullable Class<? extends CodecFactory> codecs;
  private @Nullable WorkerOutput workerOutput;

  ProcessOptions(Class<?> stageClass) {
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

  /** The settings as they stand, defaults filled in: heap, then system properties, then jvmArgs. */
  ProcessSettings settings(String stage, StageKind kind) {
    List<String> options = new ArrayList<>();
    if (heap != null) {
      options.add("-Xmx" + heap);
    }
    properties.forEach((k, v) -> options.add("-D" + k + "=" + v));
    options.addAll(jvmArgs);
    return new ProcessSettings(
        stage,
        kind,
        stageClass,
        codecs == null ? GsonCodecFactory.class : codecs,
        options,
        heartbeatTimeout == null ? DEFAULT_HEARTBEAT_TIMEOUT : heartbeatTimeout,
        workerOutput == null ? WorkerOutput.standardStreams() : workerOutput);
  }
}
