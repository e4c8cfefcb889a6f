package io.celestialflow.internal;

/**
 * Internal, for execution backends: what a {@link ProcessBackend} made of a stage's settings when
 * the stage was built (its checked types and codecs, say). Opaque to the engine, which keeps it
 * with the stage and hands it back to {@link ProcessBackend#driver} for each run. Not API.
 */
public interface ProcessPlan {}
