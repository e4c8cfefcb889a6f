/**
 * Extension points: what opt-in modules (the run store, the dashboard, the Redis bridge, metrics)
 * and users' own code plug into without touching the engine.
 *
 * <ul>
 *   <li>{@link io.celestialflow.spi.TaskObserver}: per-task hooks (started, succeeded, failed,
 *       duplicate) with the task's identity, attached to a run or a graph; stages an observer
 *       declines cost nothing per task.
 *   <li>{@link io.celestialflow.spi.LauncherExtension}: command-line options of the generated
 *       runners ({@code --dashboard}, {@code --store}, {@code --worker}) and their commands ({@link
 *       io.celestialflow.spi.LaunchCommand}: {@code failures RUN_ID}), found with {@link
 *       java.util.ServiceLoader} when the module that provides them is on the class path.
 * </ul>
 *
 * Run-level events (started, failures, finished) come through {@link
 * io.celestialflow.GraphListener} and the records of {@link io.celestialflow.event}.
 */
@NullMarked
package io.celestialflow.spi;

import org.jspecify.annotations.NullMarked;
