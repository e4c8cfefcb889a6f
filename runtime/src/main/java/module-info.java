/**
 * CelestialFlow's runtime: the public API (stages, graphs, runs, results), its extension points and
 * the engine that runs them.
 *
 * <p>Exported are the API packages only. Not exported: {@code io.celestialflow.internal}, the seam
 * through which the engine finds and drives execution backends, and {@code
 * io.celestialflow.process}, the {@link io.celestialflow.ExecutionMode#PROCESS} backend and its
 * worker JVMs' main class; the engine's own classes are package-private in {@code
 * io.celestialflow}.
 *
 * <p>Gson reads and writes users' task types reflectively (codecs, the runner's JSON tasks and
 * outputs): a user module must open its task packages to {@code com.google.gson}. PROCESS stages
 * start worker JVMs with the driving JVM's class path, so their classes must be on the class path.
 */
module io.celestialflow {
  requires org.slf4j;
  requires transitive com.google.gson; // GsonCodecFactory takes and returns a Gson
  requires org.jgrapht.core;
  requires jdk.jfr; // the run's JFR events (io.celestialflow.jfr); part of every JDK
  requires static transitive org.jspecify; // annotations only; API signatures carry @Nullable

  exports io.celestialflow;
  exports io.celestialflow.codec;
  exports io.celestialflow.event;
  exports io.celestialflow.graph;
  exports io.celestialflow.jfr;
  exports io.celestialflow.launch;
  exports io.celestialflow.progress;
  exports io.celestialflow.spi;
  exports io.celestialflow.structure;

  // No package is open: Gson reaches Topology's public records through their public members, and
  // PROCESS stages (whose worker configuration Gson writes) refuse to run on the module path.

  uses io.celestialflow.spi.LauncherExtension;
  uses io.celestialflow.internal.ProcessBackend;

  provides io.celestialflow.internal.ProcessBackend with
      io.celestialflow.process.WorkerProcessBackend;
}
