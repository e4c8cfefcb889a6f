/**
 * Console progress for runs: {@link io.celestialflow.progress.ConsoleProgress}, one line per stage
 * redrawn in place on a terminal, or a summary line every few seconds when standard error is not a
 * terminal. It listens to a run's events and reads its {@linkplain
 * io.celestialflow.GraphRun#status() status} from one thread of its own; nothing in it runs per
 * task.
 */
@NullMarked
package io.celestialflow.progress;

import org.jspecify.annotations.NullMarked;
