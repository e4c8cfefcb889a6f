/**
 * Internal: {@link io.celestialflow.ExecutionMode#PROCESS}, both ends — the driver that runs a
 * stage's tasks in worker JVMs, and the worker JVMs' side. Not API: the module does not export this
 * package, and nothing here may be relied on outside the runtime.
 *
 * <ul>
 *   <li>The driving JVM: the engine finds {@link io.celestialflow.process.WorkerProcessBackend}
 *       with {@link java.util.ServiceLoader} and talks to it through the seam of {@code
 *       io.celestialflow.internal} only; it checks a stage's class, types and codecs when the stage
 *       is built ({@code ProcessSpec}) and runs each stage with a {@code ProcessDriver}, one {@code
 *       WorkerProcess} per live worker JVM.
 *   <li>The worker JVM: {@link io.celestialflow.process.ProcessWorkerMain} is its main class,
 *       started with the driving JVM's class path; {@code WorkerLoop} runs the batches of tasks.
 *   <li>Both: the wire protocol ({@code Wire}, {@code WorkerConfig}), the shared progress file
 *       ({@code ProgressFile}), the stage class's types ({@code StageTypes}, {@code WorkerClasses})
 *       and exceptions in transit ({@code ThrowableTransfer}), all package-private. The protocol is
 *       described in {@code docs/process-mode.md}.
 * </ul>
 *
 * This package depends on the runtime's public API and on the seam; the engine's package depends on
 * neither this package nor its classes.
 */
@NullMarked
package io.celestialflow.process;

import org.jspecify.annotations.NullMarked;
