/**
 * The worker side of {@link io.celestialflow.ExecutionMode#PROCESS}: {@link
 * io.celestialflow.process.ProcessWorkerMain} is the main class of every worker JVM a process stage
 * starts.
 *
 * <p>The other public types of this package ({@link io.celestialflow.process.Wire}, {@link
 * io.celestialflow.process.WorkerConfig}, {@link io.celestialflow.process.ProgressFile}, {@link
 * io.celestialflow.process.StageTypes}, {@link io.celestialflow.process.ThrowableTransfer}) are
 * internal: they are public only so that the engine, in another package, can speak the same
 * protocol. They are not API and may change in any release; the protocol is described in {@code
 * docs/process-mode.md}.
 */
@NullMarked
package io.celestialflow.process;

import org.jspecify.annotations.NullMarked;
