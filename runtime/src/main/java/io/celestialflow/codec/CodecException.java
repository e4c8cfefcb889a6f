package io.celestialflow.codec;

import java.io.Serial;
import java.lang.reflect.Type;
import org.jspecify.annotations.Nullable;

/**
 * A value, or a type, that a {@link TaskCodec} cannot encode or decode. The message names the type
 * and the reason; once the engine knows which stage was involved, it names the stage and the role
 * of the value (task or result) too, for example:
 *
 * <pre>
 * stage 'inverse': cannot send a result from the worker process (type java.lang.Double): Infinity
 * is not a valid double value as per JSON specification
 * </pre>
 *
 * <p>A task whose value cannot be encoded fails with this exception (recorded as a {@code
 * TaskFailure}); the run goes on.
 */
public class CodecException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  private final @Nullable String stage;
  private final String typeName;
  private final String reason;

  /**
   * A failure with no stage named yet.
   *
   * @param type the type of the value
   * @param reason why the value or type cannot be handled
   * @param cause the underlying exception, if any
   */
  public CodecException(Type type, String reason, @Nullable Throwable cause) {
    this(null, null, type.getTypeName(), reason, cause);
  }

  private CodecException(
      @Nullable String stage,
      @Nullable String role,
      String typeName,
      String reason,
      @Nullable Throwable cause) {
    super(message(stage, role, typeName, reason), cause);
    this.stage = stage;
    this.typeName = typeName;
    this.reason = reason;
  }

  private static String message(
      @Nullable String stage, @Nullable String role, String typeName, String reason) {
    if (stage == null) {
      return "cannot handle a value of type " + typeName + ": " + reason;
    }
    return "stage '" + stage + "': cannot " + role + " (type " + typeName + "): " + reason;
  }

  /**
   * The same failure, attributed to a stage.
   *
   * @param stage the stage name
   * @param role what the stage was doing, for example {@code "send a task to a worker process"}
   * @return a new exception with the stage in its message, this one as its cause
   */
  public CodecException forStage(String stage, String role) {
    return new CodecException(stage, role, typeName, reason, this);
  }

  /**
   * The stage the failure happened at, once known.
   *
   * @return the stage name, or {@code null} if none was attributed yet
   */
  public @Nullable String stage() {
    return stage;
  }

  /**
   * The type of the value that could not be handled.
   *
   * @return the type name, generic arguments included
   */
  public String typeName() {
    return typeName;
  }

  /**
   * Why the value or type could not be handled.
   *
   * @return the reason
   */
  public String reason() {
    return reason;
  }
}
