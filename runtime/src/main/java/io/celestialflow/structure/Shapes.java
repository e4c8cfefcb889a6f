package io.celestialflow.structure;

import io.celestialflow.GraphDefinitionException;
import java.util.List;
import java.util.Objects;

/** Argument checks the structure helpers share. */
final class Shapes {
  private Shapes() {}

  static <S> List<S> nonEmpty(String shape, String what, List<S> items) {
    Objects.requireNonNull(items, what);
    if (items.isEmpty()) {
      throw new GraphDefinitionException(shape + " needs at least one " + what);
    }
    return items;
  }
}
