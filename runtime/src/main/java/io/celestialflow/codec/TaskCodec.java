package io.celestialflow.codec;

import java.lang.reflect.Type;

/**
 * Turns values of one exact type into bytes and back, so that tasks and results can travel to a
 * worker process (or through Redis) and arrive as the same values.
 *
 * <p>Implementations must be thread-safe: one codec is shared by every worker thread of a stage.
 * Both methods report a value that cannot be written or read with a {@link CodecException} whose
 * message says which type and why; they never return a partial result.
 *
 * @param <T> the type of the values
 */
public interface TaskCodec<T> {
  /**
   * The exact type this codec writes and reads, generic arguments included (for example {@code
   * List<Point>}).
   *
   * @return the type
   */
  Type type();

  /**
   * Writes a value.
   *
   * @param value the value, never {@code null}
   * @return its encoding
   * @throws CodecException if the value cannot be written
   */
  byte[] encode(T value);

  /**
   * Reads a value from {@code length} bytes of {@code data} starting at {@code offset}.
   *
   * @param data the buffer
   * @param offset where the encoding starts
   * @param length how many bytes it has
   * @return the value, never {@code null}
   * @throws CodecException if the bytes do not encode a value of {@link #type()}
   */
  T decode(byte[] data, int offset, int length);

  /**
   * Reads a value from a whole array.
   *
   * @param data the encoding
   * @return the value, never {@code null}
   * @throws CodecException if the bytes do not encode a value of {@link #type()}
   */
  default T decode(byte[] data) {
    return decode(data, 0, data.length);
  }
}
