/**
 * Ready-made graph shapes and graph analysis, built on the public API of {@code io.celestialflow}
 * only.
 *
 * <h2>Structure helpers</h2>
 *
 * The original library's shapes, each a small class with static factories that take typed stages:
 * {@link io.celestialflow.structure.TaskChain} (a line), {@link
 * io.celestialflow.structure.TaskLoop} (a ring), {@link io.celestialflow.structure.TaskCross}
 * (fully connected layers), {@link io.celestialflow.structure.TaskGrid} (a 2-D grid), {@link
 * io.celestialflow.structure.TaskWheel} (a centre feeding a ring) and {@link
 * io.celestialflow.structure.TaskComplete} (every stage feeds every other one). Each offers {@code
 * of(...)}, which returns a built {@link io.celestialflow.TaskGraph}, and {@code builder(...)},
 * which returns a {@link io.celestialflow.TaskGraph.Builder} with the stages and edges already
 * added, for callers who want to add more stages, edges, a layout or listeners.
 *
 * <h2>Analysis</h2>
 *
 * {@link io.celestialflow.structure.GraphAnalysis} answers the structural questions about a graph
 * with JGraphT: acyclicity, strongly connected components and their condensation, the level of each
 * stage, entry and exit stages, one cycle as a path. It renders the structure as the original
 * printed it ({@link io.celestialflow.structure.GraphAnalysis#renderText()}), as a Mermaid
 * flowchart ({@link io.celestialflow.structure.GraphAnalysis#toMermaid()}) and as a JSON-ready
 * {@link io.celestialflow.structure.Topology}. It works on a {@link io.celestialflow.TaskGraph} or
 * on plain stage names and {@link io.celestialflow.EdgeSpec}s, so code without a graph object (an
 * annotation processor, a tool reading a saved topology) can use it too.
 */
@NullMarked
package io.celestialflow.structure;

import org.jspecify.annotations.NullMarked;
