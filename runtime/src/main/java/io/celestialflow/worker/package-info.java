/**
 * The worker side of {@link io.celestialflow.ExecutionMode#PROCESS}: {@link
 * io.celestialflow.worker.ProcessWorkerMain} is the main class of every worker JVM a process stage
 * starts.
 *
 * <p>The other public types of this package ({@link io.celestialflow.worker.Wire}, {@link
 * io.celestialflow.worker.WorkerConfig}, {@link io.celestialflow.worker.ProgressFile}, {@link
 * io.celestialflow.worker.StageTypes}, {@link io.celestialflow.worker.ThrowableTransfer}) are
 * internal: they are public only so that the engine, in another package, can speak the same
 * protocol. They are not API and may change in any release; the protocol is described in {@code
 * docs/process-mode.md}.
 */
@NullMarked
package io.celestialflow.worker;

import org.jspecify.annotations.NullMarked;
