package io.celestialflow.codec;

import java.lang.reflect.Type;

/**
 * Makes the {@link TaskCodec}s of a stage: one for its task type and one for its output type.
 *
 * <p>A factory is named by its class (for example in {@code TaskStage.Builder#codecs}) because it
 * must be recreated in every worker JVM: implementations need an accessible no-argument
 * constructor, and two instances must encode alike. The default is {@link GsonCodecFactory};
 * subclass it to configure Gson (type adapters, field naming) or implement this interface for
 * another format.
 */
public interface CodecFactory {
  /**
   * Returns a codec for values of exactly {@code type}.
   *
   * @param type the type, with its generic arguments resolved
   * @param <T> the type of the values
   * @return the codec
   * @throws CodecException if values of this type cannot be encoded or decoded faithfully; the
   *     message says why
   */
  <T> TaskCodec<T> codec(Type type);
}
