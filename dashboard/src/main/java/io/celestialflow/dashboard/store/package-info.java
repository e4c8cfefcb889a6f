/**
 * The dashboard's link to the run store ({@code celestialflow-store}, an optional dependency):
 * {@link io.celestialflow.dashboard.store.StoreHistory} answers the error log (search, paging,
 * stack traces, group counts, retry) and the chart history of the runs a store records, with SQL in
 * the store, so they cover every failure of a long run while the dashboard's memory stays bounded.
 * Nothing here is loaded unless the store is on the class path.
 */
@NullMarked
package io.celestialflow.dashboard.store;

import org.jspecify.annotations.NullMarked;
