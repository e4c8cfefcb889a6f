package io.celestialflow.internal;

import io.celestialflow.StageKind;
import io.celestialflow.WorkerOutput;
import io.celestialflow.codec.CodecFactory;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Internal, for execution backends: the settings of a {@link
 * io.celestialflow.ExecutionMode#PROCESS} stage as its builder collected them, each already checked
 * on its own and with the defaults filled in; {@link ProcessBackend#plan} checks what needs the
 * backend. Not API.
 *
 * @param stage the stage name
 * @param kind what the stage emits per task
 * @param stageClass the class each worker creates: a {@code TaskFunction}, or a {@code
 *     TaskConsumer} for a consumer
 * @param codecs the codec factory class each worker (and the driving JVM) creates
 * @param jvmOptions the worker JVMs' options from the stage's settings ({@code -Xmx}, {@code -D},
 *     then the user's own), in that order
 * @param heartbeatTimeout how long a worker may stay silent before it is considered hung
 * @param workerOutput where the lines the workers print go
 */
public record ProcessSettings(
    String stage,
    StageKind kind,
    Class<?> stageClass,
    Class<? extends CodecFactory> codecs,
    List<String> jvmOptions,
    Duration heartbeatTimeout,
    WorkerOutput workerOutput) {

  /** Copies the options; requires every component. */
  public ProcessSettings {
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(stageClass, "stageClass");
    Objects.requireNonNull(codecs, "codecs");
    jvmOptions = List.copyOf(jvmOptions);
    Objects.requireNonNull(heartbeatTimeout, "heartbeatTimeout");
    Objects.requireNonNull(workerOutput, "workerOutput");
  }
}
