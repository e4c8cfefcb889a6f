/**
 * The live web dashboard of CelestialFlow: watch runs in a browser — stage cards, the topology,
 * charts, an error log with search and retry, task injection, run controls — served by an embedded
 * Undertow server with a JSON and Server-Sent Events API (docs/dashboard.md).
 *
 * <ul>
 *   <li>{@link io.celestialflow.dashboard.Dashboard}: the server; {@code attach(runBuilder)} shows
 *       a run of this JVM.
 *   <li>{@link io.celestialflow.dashboard.DashboardReporter}: a listener that reports a run to a
 *       dashboard in another process, over HTTP with a token.
 *   <li>{@link io.celestialflow.dashboard.DashboardMain}: the standalone dashboard.
 *   <li>{@link io.celestialflow.dashboard.DashboardLauncherExtension}: {@code --dashboard} for the
 *       generated runners.
 * </ul>
 */
@NullMarked
package io.celestialflow.dashboard;

import org.jspecify.annotations.NullMarked;
