/**
 * The shape of a graph of named stages, computed once with JGraphT: adjacency, entries and exits,
 * strongly connected components, their condensation and levels, a topological order, the edges that
 * close cycles and a shortest cycle. {@link io.celestialflow.graph.GraphShape} depends on nothing
 * but the names and edges, so the engine ({@link io.celestialflow.TaskGraph}), the analysis and its
 * renderings ({@link io.celestialflow.structure.GraphAnalysis}) and the annotation processor (at
 * compile time) share one topology.
 */
@NullMarked
package io.celestialflow.graph;

import org.jspecify.annotations.NullMarked;
