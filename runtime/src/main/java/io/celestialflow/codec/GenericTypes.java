package io.celestialflow.codec;

import com.google.gson.reflect.TypeToken;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads exact generic types with reflection, for codecs that need them: which type arguments a
 * class gives one of its supertypes. For example, for {@code class Square implements
 * TaskFunction<Integer, Long>}, {@code typeArguments(Square.class, TaskFunction.class)} is {@code
 * [Integer, Long]}; type variables are followed through superclasses and generic interfaces.
 */
public final class GenericTypes {
  private GenericTypes() {}

  /**
   * The type arguments that {@code type} gives to {@code supertype}, resolved as far as the
   * declarations allow. Arguments that stay open (a generic class used raw, or a type variable of
   * {@code type} itself) are returned as {@link TypeVariable}s.
   *
   * @param type a class or parameterized type
   * @param supertype a generic class or interface that {@code type} extends or implements
   * @return one type per type parameter of {@code supertype}, or {@code null} if {@code type} is
   *     not a subtype of it
   */
  public static Type @Nullable [] typeArguments(Type type, Class<?> supertype) {
    return resolve(type, supertype, Map.of());
  }

  private static Type @Nullable [] resolve(
      Type type, Class<?> target, Map<TypeVariable<?>, Type> outer) {
    Class<?> raw = rawType(type);
    if (!target.isAssignableFrom(raw)) {
      return null;
    }
    TypeVariable<?>[] vars = raw.getTypeParameters();
    Map<TypeVariable<?>, Type> bindings = new HashMap<>();
    if (type instanceof ParameterizedType p) {
      Type[] args = p.getActualTypeArguments();
      for (int i = 0; i < vars.length && i < args.length; i++) {
        bindings.put(vars[i], substitute(args[i], outer));
      }
    }
    if (raw == target) {
      Type[] out = new Type[vars.length];
      for (int i = 0; i < vars.length; i++) {
        out[i] = bindings.getOrDefault(vars[i], vars[i]);
      }
      return out;
    }
    Type superclass = raw.getGenericSuperclass();
    if (superclass != null) {
      Type[] found = resolve(superclass, target, bindings);
      if (found != null) {
        return found;
      }
    }
    for (Type itf : raw.getGenericInterfaces()) {
      Type[] found = resolve(itf, target, bindings);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  private static Type substitute(Type t, Map<TypeVariable<?>, Type> bindings) {
    if (t instanceof TypeVariable<?> v) {
      return bindings.getOrDefault(v, v);
    }
    if (t instanceof ParameterizedType p) {
      Type[] args = p.getActualTypeArguments().clone();
      boolean changed = false;
      for (int i = 0; i < args.length; i++) {
        Type s = substitute(args[i], bindings);
        changed |= s != args[i];
        args[i] = s;
      }
      return changed ? TypeToken.getParameterized(p.getRawType(), args).getType() : p;
    }
    if (t instanceof GenericArrayType g) {
      Type c = substitute(g.getGenericComponentType(), bindings);
      return c == g.getGenericComponentType() ? g : TypeToken.getArray(c).getType();
    }
    if (t instanceof WildcardType w && w.getLowerBounds().length == 0) {
      // `? extends T` with T bound: the bound is what values are read as.
      Type upper = w.getUpperBounds()[0];
      Type s = substitute(upper, bindings);
      return s == upper ? w : s;
    }
    return t;
  }

  /**
   * The class that a type erases to.
   *
   * @param type any type
   * @return its raw class ({@code Object} for an unbounded wildcard or type variable)
   */
  public static Class<?> rawType(Type type) {
    return switch (type) {
      case Class<?> c -> c;
      case ParameterizedType p -> rawType(p.getRawType());
      case GenericArrayType g ->
          java.lang.reflect.Array.newInstance(rawType(g.getGenericComponentType()), 0).getClass();
      case TypeVariable<?> v -> rawType(v.getBounds()[0]);
      case WildcardType w -> rawType(w.getUpperBounds()[0]);
      default -> Object.class;
    };
  }

  /**
   * The first type variable inside a type, if any: a type that still has one does not say what to
   * decode into.
   *
   * @param type any type
   * @return a type variable found in it, or {@code null} if it is fully resolved
   */
  public static @Nullable TypeVariable<?> findTypeVariable(Type type) {
    switch (type) {
      case TypeVariable<?> v -> {
        return v;
      }
      case ParameterizedType p -> {
        for (Type a : p.getActualTypeArguments()) {
          TypeVariable<?> v = findTypeVariable(a);
          if (v != null) {
            return v;
          }
        }
        return null;
      }
      case GenericArrayType g -> {
        return findTypeVariable(g.getGenericComponentType());
      }
      case WildcardType w -> {
        for (Type b : w.getUpperBounds()) {
          TypeVariable<?> v = findTypeVariable(b);
          if (v != null) {
            return v;
          }
        }
        for (Type b : w.getLowerBounds()) {
          TypeVariable<?> v = findTypeVariable(b);
          if (v != null) {
            return v;
          }
        }
        return null;
      }
      default -> {
        return null;
      }
    }
  }

  /**
   * Reduces a wildcard to the type values are read as ({@code ? extends Page} becomes {@code
   * Page}); other types are returned unchanged.
   *
   * @param type any type
   * @return the type itself, or a wildcard's upper bound
   */
  public static Type readType(Type type) {
    if (type instanceof WildcardType w && w.getLowerBounds().length == 0) {
      return w.getUpperBounds()[0];
    }
    return type;
  }
}
