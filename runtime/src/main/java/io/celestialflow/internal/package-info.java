/**
 * Internal, for execution backends: the seam through which a stage driver that lives outside the
 * engine's package sees its stage. Not API: the module does not export this package, and its types
 * may change in any release.
 *
 * <p>Today one backend uses it, the {@link io.celestialflow.ExecutionMode#PROCESS} driver of
 * package {@code io.celestialflow.process}. The engine finds it with {@link
 * java.util.ServiceLoader} ({@link io.celestialflow.internal.ProcessBackend}), so the engine's
 * package never names the backend's classes; the backend reaches the engine only through these
 * interfaces, which the engine implements package-privately:
 *
 * <ul>
 *   <li>{@link io.celestialflow.internal.ProcessBackend}: checks a stage's worker settings when the
 *       stage is built ({@link io.celestialflow.internal.ProcessSettings} in, an opaque {@link
 *       io.celestialflow.internal.ProcessPlan} out) and creates a {@link
 *       io.celestialflow.internal.BackendDriver} per stage and run;
 *   <li>{@link io.celestialflow.internal.StagePort}: the stage during one run — its turn, its
 *       inbox, the run's threads, cancellation and fatal errors;
 *   <li>{@link io.celestialflow.internal.TaskPort}: one driver thread's view of the stage's
 *       per-task core — check a task in, report its result or failure, flush and settle.
 * </ul>
 *
 * The other drivers (threads, virtual threads, async) sit beside the engine and use its classes
 * directly: only a backend in another package pays for an interface call, and it pays per batch of
 * work that crosses a process boundary, where one call is noise.
 */
@NullMarked
package io.celestialflow.internal;

import org.jspecify.annotations.NullMarked;
