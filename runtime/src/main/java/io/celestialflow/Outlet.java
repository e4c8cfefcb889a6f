package io.celestialflow;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a stage's outputs go: a downstream stage along an edge, or a sink of the run (collected
 * outputs, a callback, a stream).
 */
sealed interface Outlet {
  /** Hands over a chunk of outputs, waiting for room if the outlet applies backpressure. */
  void deliver(Chunk chunk) throws InterruptedException;

  /**
   * Hands over a chunk only if that needs no waiting and keeps every bound.
   *
   * @return false if the outlet has no room now (the caller keeps the chunk)
   */
  boolean offer(Chunk chunk);

  /** Hands over a chunk while the run is being cancelled: never waits, never loses a task. */
  void abandon(Chunk chunk);

  /**
   * An edge to a downstream stage.
   *
   * @param target the downstream stage
   * @param blocking whether the producer waits for room (false for edges that close a cycle)
   */
  record ToStage(StageRuntime target, boolean blocking) implements Outlet {
    @Override
    public void deliver(Chunk chunk) throws InterruptedException {
      target.accept(chunk, blocking);
    }

    @Override
    public boolean offer(Chunk chunk) {
      return target.tryAccept(chunk, blocking);
    }

    @Override
    public void abandon(Chunk chunk) {
      target.acceptUnfinished(chunk);
    }
  }

  /** Keeps outputs for {@link GraphResult#outputs}. */
  record Collect(ConcurrentLinkedQueue<Chunk> chunks) implements Outlet {
    Collect() {
      this(new ConcurrentLinkedQueue<>());
    }

    @Override
    public void deliver(Chunk chunk) {
      chunks.add(chunk);
    }

    @Override
    public boolean offer(Chunk chunk) {
      chunks.add(chunk);
      return true;
    }

    @Override
    public void abandon(Chunk chunk) {
      chunks.add(chunk);
    }

    List<Object> toList() {
      int n = 0;
      for (Chunk c : chunks) {
        n += c.size();
      }
      Object[] all = new Object[n];
      int i = 0;
      for (Chunk c : chunks) {
        System.arraycopy(c.items, c.from, all, i, c.size());
        i += c.size();
      }
      return List.of(all);
    }
  }

  /** Calls a user callback for each output, on the producing worker's thread. */
  record Callback(String stage, Consumer<Object> callback) implements Outlet {
    private static final Logger log = LoggerFactory.getLogger(Outlet.class);

    @Override
    public void deliver(Chunk chunk) {
      for (int i = chunk.from; i < chunk.to; i++) {
        try {
          callback.accept(chunk.items[i]);
        } catch (RuntimeException e) {
          log.warn(
              "output callback of stage '{}' threw on {}; the output is kept",
              stage,
              chunk.items[i],
              e);
        }
      }
    }

    @Override
    public boolean offer(Chunk chunk) {
      deliver(chunk);
      return true;
    }

    @Override
    public void abandon(Chunk chunk) {
      deliver(chunk);
    }
  }

  /** Feeds a {@link GraphRun#outputs} stream through a bounded channel (backpressure). */
  record Channel(Inbox channel) implements Outlet {
    @Override
    public void deliver(Chunk chunk) throws InterruptedException {
      // A closed channel means the consumer closed its stream: outputs are dropped.
      channel.put(chunk, true);
    }

    @Override
    public boolean offer(Chunk chunk) {
      return channel.offer(chunk, true, () -> {}) || channel.isClosed();
    }

    @Override
    public void abandon(Chunk chunk) {
      try {
        channel.put(chunk, false);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
