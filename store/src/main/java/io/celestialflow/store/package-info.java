/**
 * The run store: a durable record of runs in an embedded SQLite database, one file per store
 * directory.
 *
 * <p>{@link io.celestialflow.store.RunStore} opens a store and attaches it to runs ({@link
 * io.celestialflow.store.RunStore#record(io.celestialflow.RunBuilder)}); it records each run
 * (graph, structure, start and end, final counts), every failure, the tasks a cancelled run left
 * unfinished and how far it read its inputs, periodic stats snapshots and, when asked, lineage
 * edges. Writes are batched on one writer thread fed through a bounded queue, never on the engine's
 * threads. The same object answers queries (failures grouped and searched, stack traces, stats
 * history, lineage traces, JSONL export) and starts {@linkplain io.celestialflow.store.Resumption
 * resumed and retried runs}. See {@code docs/store.md}.
 */
@NullMarked
package io.celestialflow.store;

import org.jspecify.annotations.NullMarked;
