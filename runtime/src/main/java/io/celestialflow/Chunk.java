package io.celestialflow;

import io.celestialflow.internal.TaskBatch;

/**
 * A run of tasks handed from one thread to another at once: a window {@code [from, to)} of an
 * array. Handing chunks instead of single tasks is what keeps the per-task cost of a hand-off to a
 * few nanoseconds. Once handed over, a chunk's array is never written again; only the inbox that
 * holds it moves {@code from} forward when it splits the chunk between workers. Drivers in this
 * package read its fields; a backend in another package sees it as a {@link TaskBatch}.
 */
final class Chunk implements TaskBatch {
  final Object[] items;
  int from;
  final int to;

  Chunk(Object[] items, int from, int to) {
    this.items = items;
    this.from = from;
    this.to = to;
  }

  static Chunk of(Object item) {
    return new Chunk(new Object[] {item}, 0, 1);
  }

  @Override
  public int size() {
    return to - from;
  }

  @Override
  public Object item(int index) {
    return items[from + index];
  }
}
