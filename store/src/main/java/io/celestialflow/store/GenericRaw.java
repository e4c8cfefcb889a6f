package io.celestialflow.store;

import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import org.jspecify.annotations.Nullable;

/** The raw class of a reflected type, where it has one. */
final class GenericRaw {
  private GenericRaw() {}

  static @Nullable Class<?> of(Type type) {
    if (type instanceof Class<?> c) {
      return c;
    }
    if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c) {
      return c;
    }
    if (type instanceof GenericArrayType a) {
      Class<?> component = of(a.getGenericComponentType());
      return component == null ? null : component.arrayType();
    }
    return null;
  }
}
