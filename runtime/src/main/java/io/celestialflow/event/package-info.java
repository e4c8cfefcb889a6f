/**
 * The events of a run, as typed records: what {@link io.celestialflow.GraphListener}s receive.
 *
 * <p>Every event carries the id of the run it belongs to ({@link
 * io.celestialflow.GraphRun#runId()}, unique across JVMs), the graph's name and the time it
 * happened, so one listener — a dashboard, a run store — can watch many runs at once. Listeners
 * switch over the sealed {@link io.celestialflow.event.RunEvent}:
 *
 * <pre>{@code
 * graph.newRun().listener(event -> {
 *   switch (event) {
 *     case TaskFailed f -> log.warn("{} failed: {}", f.failure().task(), f.failure().message());
 *     case RunFinished end -> log.info("done: {}", end.result());
 *     default -> {}
 *   }
 * });
 * }</pre>
 *
 * <p>Events are per run and per stage, plus one per failed or retried task; successful tasks are
 * not announced one by one (read {@link io.celestialflow.GraphRun#status()} for counts, or attach a
 * {@link io.celestialflow.spi.TaskObserver} for per-task hooks).
 */
@NullMarked
package io.celestialflow.event;

import org.jspecify.annotations.NullMarked;
