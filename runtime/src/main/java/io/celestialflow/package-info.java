/**
 * CelestialFlow: graph-shaped task pipelines on the JVM.
 *
 * <p>The public API is small and lives in this package:
 *
 * <ul>
 *   <li>{@link io.celestialflow.TaskStage} — one step of work (a function plus its policy:
 *       execution mode, worker limit, retries, timeout, duplicate checking). Map, splitter, router
 *       and consumer stages are all {@code TaskStage}s.
 *   <li>{@link io.celestialflow.TaskGraph} — stages connected by edges into any shape (chains,
 *       fan-out, fan-in, cycles, self-loops, complete graphs), built with a validating builder.
 *   <li>{@link io.celestialflow.RunBuilder} and {@link io.celestialflow.GraphRun} — feed inputs,
 *       run synchronously or in the background, stream outputs, read a live {@link
 *       io.celestialflow.GraphStatus}.
 *   <li>{@link io.celestialflow.GraphResult} — outputs, every {@link io.celestialflow.TaskFailure},
 *       per-stage {@link io.celestialflow.StageStats} and the tasks a cancelled run left
 *       unfinished.
 *   <li>{@link io.celestialflow.Stage}, {@link io.celestialflow.Edge} and {@link
 *       io.celestialflow.Pipeline} — the annotated form: the {@code celestialflow-processor}
 *       annotation processor turns a class's {@code @Stage} methods into a generated, type-safe
 *       graph class whose {@code main} runs through {@link io.celestialflow.GraphLauncher}.
 * </ul>
 *
 * <p>Every mistake in using the API is reported with a {@link
 * io.celestialflow.CelestialFlowException}. All other types of this package are package-private
 * engine internals.
 */
@NullMarked
package io.celestialflow;

import org.jspecify.annotations.NullMarked;
