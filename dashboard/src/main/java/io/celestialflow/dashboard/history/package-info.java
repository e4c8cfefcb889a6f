/**
 * Where the dashboard reads a run's failures from: the {@link
 * io.celestialflow.dashboard.history.FailureHistory} interface, a bounded in-memory implementation
 * (the default), and the {@link io.celestialflow.dashboard.history.FailureHistoryProvider} service
 * through which a run store on the class path replaces it, so that error search covers every
 * failure of a long run while the dashboard's own memory stays bounded.
 */
@NullMarked
package io.celestialflow.dashboard.history;

import org.jspecify.annotations.NullMarked;
