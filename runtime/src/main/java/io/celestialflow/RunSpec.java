package io.celestialflow;

import io.celestialflow.spi.TaskObserver;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** Everything a {@link RunBuilder} collected for one run, handed to the {@link RunEngine}. */
record RunSpec(
    TaskGraph graph,
    Layout layout,
    List<RunBuilder.Input> inputs,
    Set<Integer> collected,
    Map<Integer, List<Consumer<Object>>> callbacks,
    Set<Integer> streamed,
    List<GraphListener> listeners,
    List<TaskObserver> observers,
    boolean keepOpen,
    boolean lineage,
    int keepFailures,
    @Nullable ResultKeeper results,
    EngineClock clock) {}
