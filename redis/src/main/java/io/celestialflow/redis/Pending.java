package io.celestialflow.redis;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * One task on its way through an {@link Exchange}: its message, and the future its result completes
 * — itself. For a remote stage ({@link Exchange.Mode#CALL}) it is the very future the engine waits
 * on, completed with the decoded output on the thread that read the result: one object per task, no
 * chain of futures and callbacks. For a sink with replies it completes with the {@link
 * Wire.Result}, which {@link Exchange#await} decodes. Once complete and awaited, it leaves the
 * exchange's table of tasks waiting for results, whichever way it completed (result, failure,
 * cancellation by the engine).
 */
final class Pending extends CompletableFuture<Object> {
  final String id;
  final String key;
  final String message;
  private final Exchange.@Nullable Decoder decoder;
  private final @Nullable CompletableFuture<String> written;
  private final @Nullable ConcurrentHashMap<String, Pending> table;
  volatile boolean sent;
  volatile boolean awaited;

  /**
   * A task or marker.
   *
   * @param decoder turns the result into the output (a remote stage), or null to complete with the
   *     result itself
   * @param written whether someone waits for the message to be in the stream (sinks, markers)
   * @param table where it waits for its result, or null when no result is awaited
   */
  Pending(
      String id,
      String key,
      String message,
      Exchange.@Nullable Decoder decoder,
      boolean written,
      @Nullable ConcurrentHashMap<String, Pending> table) {
    this.id = id;
    this.key = key;
    this.message = message;
    this.decoder = decoder;
    this.written = written ? new CompletableFuture<>() : null;
    this.table = table;
  }

  /** The future that completes with the entry's id once the message is in the stream. */
  CompletableFuture<String> written() {
    CompletableFuture<String> w = written;
    if (w == null) {
      throw new IllegalStateException("nobody waits for this message to be written");
    }
    return w;
  }

  /** The message is in the stream. */
  void wrote() {
    CompletableFuture<String> w = written;
    if (w != null) {
      w.complete(id);
    }
  }

  /** The message could not be written, or will get no result: fails both futures. */
  void fail(Throwable error) {
    CompletableFuture<String> w = written;
    if (w != null) {
      w.completeExceptionally(error);
    }
    completeExceptionally(error);
  }

  /**
   * Completes with a result: decoded into the stage's output (a decoding error, or an error
   * result's exception, fails the task), or the result itself.
   *
   * @return whether this result settled the task (false: it was settled before)
   */
  boolean settle(Wire.Result result) {
    Exchange.Decoder d = decoder;
    if (d == null) {
      return complete(result);
    }
    if (isDone()) {
      return false;
    }
    Object output;
    try {
      output = d.decode(result);
    } catch (Throwable t) {
      return completeExceptionally(t);
    }
    return complete(output);
  }

  @Override
  public boolean complete(Object value) {
    return leftIf(super.complete(value));
  }

  @Override
  public boolean completeExceptionally(Throwable error) {
    return leftIf(super.completeExceptionally(error));
  }

  /** The engine gave up on the task (a timeout, a cancelled run): stop waiting for its result. */
  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    awaited = true;
    return leftIf(super.cancel(mayInterruptIfRunning));
  }

  /** {@link #leave()} if this call settled the future; returns whether it did. */
  private boolean leftIf(boolean done) {
    if (done) {
      leave();
    }
    return done;
  }

  /** Leaves the table once complete and awaited ({@link Exchange#await} removes it otherwise). */
  void leave() {
    ConcurrentHashMap<String, Pending> t = table;
    if (t != null && awaited) {
      t.remove(key, this);
    }
  }
}
