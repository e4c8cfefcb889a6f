package io.celestialflow.processor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import org.jspecify.annotations.Nullable;

/**
 * Reads annotation values from mirrors, by attribute name. Values are read from {@link
 * AnnotationMirror}s rather than through the annotation classes, which the processor does not
 * depend on (and which could not give {@code Class} values anyway).
 */
final class Annotations {
  private final Elements elements;

  Annotations(Elements elements) {
    this.elements = elements;
  }

  /** The annotation of the given type on an element, if present. */
  static Optional<AnnotationMirror> find(Element element, String annotationType) {
    for (AnnotationMirror m : element.getAnnotationMirrors()) {
      TypeElement type = (TypeElement) m.getAnnotationType().asElement();
      if (type.getQualifiedName().contentEquals(annotationType)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  /**
   * Whether a value written in an annotation could not be resolved: javac then hands out the string
   * {@code "<error>"} (for an unknown constant or class literal) or an error type.
   */
  static boolean hasErrors(AnnotationMirror mirror) {
    for (AnnotationValue v : mirror.getElementValues().values()) {
      if (isError(v)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isError(AnnotationValue value) {
    Object v = value.getValue();
    if (v instanceof List<?> list) {
      for (Object element : list) {
        if (element instanceof AnnotationValue av && isError(av)) {
          return true;
        }
      }
      return false;
    }
    if (v instanceof AnnotationMirror nested) {
      return hasErrors(nested);
    }
    if (v instanceof TypeMirror type) {
      return TypeUtil.containsError(type);
    }
    return "<error>".equals(v);
  }

  /** The value written in the source for an attribute, or null if the default applies. */
  static @Nullable AnnotationValue explicit(AnnotationMirror mirror, String attribute) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e :
        mirror.getElementValues().entrySet()) {
      if (e.getKey().getSimpleName().contentEquals(attribute)) {
        return e.getValue();
      }
    }
    return null;
  }

  /** The value of an attribute, written or default. */
  AnnotationValue value(AnnotationMirror mirror, String attribute) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e :
        elements.getElementValuesWithDefaults(mirror).entrySet()) {
      if (e.getKey().getSimpleName().contentEquals(attribute)) {
        return e.getValue();
      }
    }
    throw new IllegalArgumentException(
        "no attribute '" + attribute + "' in " + mirror.getAnnotationType());
  }

  String string(AnnotationMirror mirror, String attribute) {
    return (String) value(mirror, attribute).getValue();
  }

  int integer(AnnotationMirror mirror, String attribute) {
    return (Integer) value(mirror, attribute).getValue();
  }

  long longValue(AnnotationMirror mirror, String attribute) {
    return (Long) value(mirror, attribute).getValue();
  }

  boolean bool(AnnotationMirror mirror, String attribute) {
    return (Boolean) value(mirror, attribute).getValue();
  }

  /** The simple name of an enum constant attribute, e.g. {@code "THREAD"}. */
  String enumConstant(AnnotationMirror mirror, String attribute) {
    return ((VariableElement) value(mirror, attribute).getValue()).getSimpleName().toString();
  }

  /** The elements of an array attribute. */
  List<AnnotationValue> array(AnnotationMirror mirror, String attribute) {
    return elementsOf(value(mirror, attribute));
  }

  /** The elements of an array value (a single value written without braces is one element). */
  @SuppressWarnings("unchecked")
  static List<AnnotationValue> elementsOf(AnnotationValue value) {
    Object v = value.getValue();
    if (v instanceof List<?> list) {
      return new ArrayList<>((List<AnnotationValue>) list);
    }
    return List.of(value);
  }

  /** The type of a class literal value. */
  static TypeMirror type(AnnotationValue value) {
    return (TypeMirror) value.getValue();
  }

  /** The nested annotation of an annotation-typed value. */
  static AnnotationMirror annotation(AnnotationValue value) {
    return (AnnotationMirror) value.getValue();
  }
}
