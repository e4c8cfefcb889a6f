/**
 * Codecs: how a task or a result crosses a process boundary as bytes.
 *
 * <p>{@link io.celestialflow.codec.TaskCodec} turns values of one exact {@link
 * java.lang.reflect.Type} into bytes and back; a {@link io.celestialflow.codec.CodecFactory} makes
 * codecs for the types of a stage. The default, {@link io.celestialflow.codec.GsonCodecFactory},
 * writes JSON with Gson using the exact generic types (records, lists, maps, the stage's own
 * types). Failures are {@link io.celestialflow.codec.CodecException}s that name the type and the
 * reason (and, once the engine adds it, the stage).
 *
 * <p>This package does not depend on any executor: worker processes use it today, and the Redis
 * bridge reuses the same codecs.
 */
@NullMarked
package io.celestialflow.codec;

import org.jspecify.annotations.NullMarked;
