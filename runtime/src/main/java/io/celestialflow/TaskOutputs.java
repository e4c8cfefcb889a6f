package io.celestialflow;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * What a successful task produced, as a list, for observers that want results ({@link
 * io.celestialflow.spi.TaskObserver#result}): a map's output, a router's routed value, a splitter's
 * items, nothing for a consumer.
 */
final class TaskOutputs {
  private TaskOutputs() {}

  /**
   * A splitter's return value as something that can be read twice (once to emit, once for the
   * observers): a list stays as it is; a stream, iterator, array or other iterable is drained into
   * a list. Anything else is returned unchanged, for the emission to reject with its message.
   */
  static @Nullable Object drained(@Nullable Object raw) {
    return switch (raw) {
      case null -> null;
      case List<?> list -> list;
      case Collection<?> items -> new ArrayList<>(items);
      case Iterable<?> items -> drain(items.iterator());
      case Stream<?> items -> {
        try (items) {
          yield drain(items.iterator());
        }
      }
      case Iterator<?> it -> drain(it);
      case Object[] items -> Arrays.asList(items);
      default -> raw;
    };
  }

  private static List<Object> drain(Iterator<?> it) {
    List<Object> out = new ArrayList<>();
    while (it.hasNext()) {
      out.add(it.next()); // a null is kept: the emission rejects it with the stage's name
    }
    return out;
  }

  /** The outputs of a task whose emission succeeded, for a stage of this kind. */
  static List<?> of(StageKind kind, @Nullable Object raw) {
    return switch (kind) {
      case MAP -> List.of(requireValue(raw));
      case ROUTER -> List.of(requireValue(((Routed<?>) requireValue(raw)).value()));
      case SPLITTER -> Collections.unmodifiableList((List<?>) requireValue(raw));
      case CONSUMER -> List.of();
    };
  }

  private static Object requireValue(@Nullable Object raw) {
    if (raw == null) {
      throw new IllegalStateException("a successful emission had no value");
    }
    return raw;
  }
}
