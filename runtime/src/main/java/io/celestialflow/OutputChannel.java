package io.celestialflow;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;

/**
 * The reading end of a stage's streamed outputs ({@link GraphRun#outputs}): a bounded channel read
 * chunk by chunk, blocking until outputs arrive or the run ends. Closing the stream closes the
 * channel, after which the stage's further outputs are dropped from it.
 */
final class OutputChannel implements Iterator<Object> {
  private final Inbox channel;
  private final String graph;
  private @Nullable Chunk current;

  private OutputChannel(Inbox channel, String graph) {
    this.channel = channel;
    this.graph = graph;
  }

  static Stream<Object> stream(Inbox channel, String graph) {
    Iterator<Object> it = new OutputChannel(channel, graph);
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.NONNULL), false)
        .onClose(channel::close);
  }

  @Override
  public boolean hasNext() {
    while (current == null || current.from >= current.to) {
      try {
        current = channel.take(1, Integer.MAX_VALUE);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CelestialFlowException(
            "interrupted while waiting for outputs of graph '" + graph + "'", e);
      }
      if (current == null) {
        return false;
      }
    }
    return true;
  }

  @Override
  public Object next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Chunk c = Objects.requireNonNull(current);
    return c.items[c.from++];
  }
}
