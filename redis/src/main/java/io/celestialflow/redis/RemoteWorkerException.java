package io.celestialflow.redis;

import io.celestialflow.RemoteTaskException;
import java.io.Serial;
import java.util.List;

/**
 * A task failed in a remote worker: the error result the worker sent back, with the remote
 * exception's type, its supertypes (most specific first), message and stack trace. The graph
 * records it as the task's failure; a {@link io.celestialflow.RetryPolicy} on this class (or on
 * {@link RemoteTaskException}) retries remote failures, and {@link #isA(String)} tells the remote
 * type.
 */
public class RemoteWorkerException extends RemoteTaskException {
  @Serial private static final long serialVersionUID = 1L;

  private final List<String> remoteTypes;
  private final String remoteTrace;
  private final String worker;

  /**
   * Creates the exception.
   *
   * @param remoteType the remote error's type
   * @param remoteTypes the type and its supertypes, most specific first
   * @param message the remote message
   * @param remoteTrace the remote stack trace (free text)
   * @param worker the consumer name of the worker that ran the task
   */
  public RemoteWorkerException(
      String remoteType,
      List<String> remoteTypes,
      String message,
      String remoteTrace,
      String worker) {
    super(remoteType, message.isEmpty() ? null : message, null);
    this.remoteTypes = List.copyOf(remoteTypes);
    this.remoteTrace = remoteTrace;
    this.worker = worker;
  }

  /**
   * The remote error's type and its supertypes, most specific first.
   *
   * @return the type names
   */
  public List<String> remoteTypes() {
    return remoteTypes;
  }

  /**
   * Whether the remote error was of the named type or one of its subtypes.
   *
   * @param typeName a fully qualified class name (or a Go type name)
   * @return true if {@link #remoteTypes()} contains it
   */
  public boolean isA(String typeName) {
    return remoteTypes.contains(typeName);
  }

  /**
   * The remote stack trace, as the worker wrote it.
   *
   * @return the trace, possibly empty
   */
  public String remoteTrace() {
    return remoteTrace;
  }

  /**
   * The consumer name of the worker that ran the task.
   *
   * @return the name
   */
  public String worker() {
    return worker;
  }
}
