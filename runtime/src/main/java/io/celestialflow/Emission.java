package io.celestialflow;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Hands a task's result on according to its stage's kind: a map's one output to every edge, a
 * splitter's outputs one by one (in chunks while it emits, so a task emitting millions stays in
 * bounded memory), a router's value along the edges it names, nothing for a consumer. Checks the
 * contract of each kind and says what was wrong, naming the stage.
 */
final class Emission {
  private final String name;
  private final StageKind kind;
  private final Map<String, Integer> routeIndex;
  private final String[] edgeNames;

  Emission(String name, StageKind kind, Map<String, Integer> routeIndex, String[] edgeNames) {
    this.name = name;
    this.kind = kind;
    this.routeIndex = routeIndex;
    this.edgeNames = edgeNames;
  }

  /** Emits the result {@code raw} of task {@code item} into the worker's buffers. */
  void emit(Object item, @Nullable Object raw, WorkerContext ctx) throws InterruptedException {
    switch (kind) {
      case MAP -> map(item, raw, ctx);
      case SPLITTER -> split(item, raw, ctx);
      case ROUTER -> route(item, raw, ctx);
      case CONSUMER -> {}
    }
  }

  /** A map stage's result: its one output, to every edge; null breaks the contract. */
  void map(Object item, @Nullable Object raw, WorkerContext ctx) {
    map(item, raw, ctx, false);
  }

  /**
   * A map stage's result; {@code last}: nothing is done with {@code item} after this (see {@link
   * WorkerContext#emitAll(Object, Object, boolean)}).
   */
  void map(Object item, @Nullable Object raw, WorkerContext ctx, boolean last) {
    if (raw == null) {
      throw new IllegalStateException(
          "stage '"
              + name
              + "' returned null; a map stage must return a value (use a splitter to emit"
              + " nothing for some tasks)");
    }
    ctx.emitAll(raw, item, last);
  }

  private void split(Object item, @Nullable Object raw, WorkerContext ctx)
      throws InterruptedException {
    switch (raw) {
      case null ->
          throw new IllegalStateException(
              "splitter '" + name + "' returned null; return an empty collection to emit nothing");
      case Iterable<?> items -> each(item, items.iterator(), ctx);
      case Stream<?> items -> {
        try (items) {
          each(item, items.iterator(), ctx);
        }
      }
      case Iterator<?> it -> each(item, it, ctx);
      case Object[] items -> each(item, Arrays.asList(items).iterator(), ctx);
      default ->
          throw new IllegalStateException(
              "splitter '"
                  + name
                  + "' returned a "
                  + raw.getClass().getName()
                  + ", not an Iterable, Stream, Iterator or array");
    }
  }

  private void each(Object item, Iterator<?> it, WorkerContext ctx) throws InterruptedException {
    while (it.hasNext()) {
      Object out = it.next();
      if (out == null) {
        throw new IllegalStateException("splitter '" + name + "' emitted a null item");
      }
      ctx.emitAll(out, item);
      ctx.flushWhileSplitting();
    }
  }

  private void route(Object item, @Nullable Object raw, WorkerContext ctx) {
    if (!(raw instanceof Routed<?> routed)) {
      throw new IllegalStateException(
          "router '"
              + name
              + "' returned "
              + (raw == null ? "null" : "a " + raw.getClass().getName())
              + " instead of a Routed value");
    }
    int n = routed.targets().size();
    int[] edges = ctx.routeScratch(n);
    for (int i = 0; i < n; i++) {
      String target = routed.targets().get(i);
      Integer edge = routeIndex.get(target);
      if (edge == null) {
        throw new IllegalArgumentException(
            "router '"
                + name
                + "' sent a task to '"
                + target
                + "', which is not one of its downstream stages "
                + Arrays.toString(edgeNames));
      }
      edges[i] = edge;
    }
    ctx.emitRouted(edges, n, routed.value(), item);
  }
}
