/**
 * The dashboard's server side, not an API: Undertow wiring, request guards, the JSON and
 * Server-Sent Events routes, the runs being watched and their live snapshots. Use {@link
 * io.celestialflow.dashboard.Dashboard} instead.
 */
@NullMarked
package io.celestialflow.dashboard.internal;

import org.jspecify.annotations.NullMarked;
