/**
 * Micrometer meters for CelestialFlow runs: {@link
 * io.celestialflow.micrometer.CelestialFlowMetrics} binds per-stage counters by outcome, queued and
 * active gauges and (opt-in) an execution timer, tagged {@code graph} and {@code stage}, to any
 * {@link io.micrometer.core.instrument.MeterRegistry}; {@link
 * io.celestialflow.micrometer.MetricsLauncherExtension} gives the generated runners {@code
 * --metrics}.
 */
@NullMarked
package io.celestialflow.micrometer;

import org.jspecify.annotations.NullMarked;
