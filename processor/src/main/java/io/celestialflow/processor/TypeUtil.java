package io.celestialflow.processor;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.PrimitiveType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import org.jspecify.annotations.Nullable;

/** Type questions the checks ask. */
final class TypeUtil {
  private final Types types;
  private final Elements elements;

  TypeUtil(Types types, Elements elements) {
    this.types = types;
    this.elements = elements;
  }

  Types types() {
    return types;
  }

  /** The boxed form of a primitive type; other types unchanged. */
  TypeMirror box(TypeMirror type) {
    if (type.getKind().isPrimitive()) {
      return types.boxedClass((PrimitiveType) type).asType();
    }
    return type;
  }

  /**
   * The type arguments {@code type} gives the supertype named {@code qualifiedName}: null if it is
   * not a subtype of it, empty if it is one only as a raw type.
   */
  @Nullable List<? extends TypeMirror> typeArgumentsAs(TypeMirror type, String qualifiedName) {
    Deque<TypeMirror> queue = new ArrayDeque<>();
    queue.add(type);
    while (!queue.isEmpty()) {
      TypeMirror t = queue.poll();
      if (t instanceof DeclaredType d) {
        TypeElement e = (TypeElement) d.asElement();
        if (e.getQualifiedName().contentEquals(qualifiedName)) {
          return d.getTypeArguments();
        }
        queue.addAll(types.directSupertypes(t));
      }
    }
    return null;
  }

  /** What a value of a type argument is known to be: the bound of {@code ? extends T}, or T. */
  TypeMirror upper(TypeMirror argument) {
    if (argument instanceof WildcardType w) {
      TypeMirror bound = w.getExtendsBound();
      return bound != null ? bound : object();
    }
    return argument;
  }

  TypeMirror object() {
    return type("java.lang.Object");
  }

  TypeMirror type(String qualifiedName) {
    TypeElement e = elements.getTypeElement(qualifiedName);
    if (e == null) {
      throw new IllegalStateException(qualifiedName + " is not on the class path");
    }
    return e.asType();
  }

  boolean isNamed(TypeMirror type, String qualifiedName) {
    return type instanceof DeclaredType d
        && ((TypeElement) d.asElement()).getQualifiedName().contentEquals(qualifiedName);
  }

  /** Whether a type, or any type it is made of, could not be resolved (yet). */
  static boolean containsError(TypeMirror type) {
    return switch (type.getKind()) {
      case ERROR -> true;
      case DECLARED -> {
        for (TypeMirror arg : ((DeclaredType) type).getTypeArguments()) {
          if (containsError(arg)) {
            yield true;
          }
        }
        yield false;
      }
      case ARRAY -> containsError(((ArrayType) type).getComponentType());
      case WILDCARD -> {
        WildcardType w = (WildcardType) type;
        yield (w.getExtendsBound() != null && containsError(w.getExtendsBound()))
            || (w.getSuperBound() != null && containsError(w.getSuperBound()));
      }
      default -> false;
    };
  }

  /**
   * A class that code in package {@code from} cannot name, among the classes a type is made of:
   * private ones, and package-private or protected ones of other packages.
   */
  Optional<TypeElement> inaccessible(TypeMirror type, PackageElement from) {
    if (type.getKind() == TypeKind.ARRAY) {
      return inaccessible(((ArrayType) type).getComponentType(), from);
    }
    if (type instanceof WildcardType w) {
      TypeMirror bound = w.getExtendsBound() != null ? w.getExtendsBound() : w.getSuperBound();
      return bound == null ? Optional.empty() : inaccessible(bound, from);
    }
    if (!(type instanceof DeclaredType d)) {
      return Optional.empty();
    }
    TypeElement e = (TypeElement) d.asElement();
    if (!accessible(e, from)) {
      return Optional.of(e);
    }
    for (TypeMirror arg : d.getTypeArguments()) {
      Optional<TypeElement> bad = inaccessible(arg, from);
      if (bad.isPresent()) {
        return bad;
      }
    }
    return Optional.empty();
  }

  /** Whether code in package {@code from} can name a class (and every class enclosing it). */
  boolean accessible(TypeElement type, PackageElement from) {
    boolean samePackage = elements.getPackageOf(type).equals(from);
    for (Element e = type; e instanceof TypeElement; e = e.getEnclosingElement()) {
      if (e.getModifiers().contains(Modifier.PRIVATE)) {
        return false;
      }
      if (!samePackage && !e.getModifiers().contains(Modifier.PUBLIC)) {
        return false;
      }
    }
    return true;
  }
}
