package io.celestialflow.processor;

import java.util.List;
import java.util.Set;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.TypeVariable;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import org.jspecify.annotations.Nullable;

/**
 * Which types the runtime's default codec ({@code GsonCodecFactory}: JSON by Gson, with the exact
 * generic types) cannot carry between a PROCESS stage and its worker JVMs, as far as a type's
 * declaration tells.
 *
 * <p>It mirrors the checks {@code GsonCodecFactory.codec} makes when a stage is built — a type
 * variable, {@code Object}, an interface or abstract class Gson has no adapter for — and applies
 * them to the type arguments and array components too, where the runtime (which checks the
 * outermost type only) would accept the type and then fail on the first value, or decode it as
 * something else: {@code List<Shape>} cannot create a {@code Shape}, and the elements of a raw
 * {@code List}, a {@code List<?>} or a {@code List<Object>} come back as maps, lists, doubles and
 * strings. What only reflection can tell (a JDK class whose fields Gson may not read, such as
 * {@code Optional}) is left to the runtime, which refuses it when the stage is built.
 */
final class JsonTypes {
  /**
   * Collections and maps: Gson creates an interface or abstract class of these kinds as one of a
   * few implementations, so it can create only those that one of them implements.
   *
   * @param root the interface the family shares
   * @param what the family, in words
   * @param implementations what Gson creates
   * @param examples types users would write instead
   */
  private record Family(String root, String what, List<String> implementations, String examples) {}

  private static final List<Family> FAMILIES =
      List.of(
          new Family(
              Names.COLLECTION,
              "a collection",
              List.of(
                  "java.util.ArrayList",
                  "java.util.LinkedHashSet",
                  "java.util.TreeSet",
                  "java.util.ArrayDeque"),
              "List, Set, SortedSet, Deque"),
          new Family(
              Names.MAP,
              "a map",
              List.of(
                  "java.util.LinkedHashMap",
                  "java.util.TreeMap",
                  "java.util.concurrent.ConcurrentHashMap",
                  "java.util.concurrent.ConcurrentSkipListMap"),
              "Map, SortedMap, ConcurrentMap"));

  /** Abstract types Gson has a built-in adapter for (besides collections and maps). */
  private static final Set<String> ABSTRACT_WITH_ADAPTER =
      Set.of("java.lang.Number", "java.util.Calendar", "java.util.EnumSet");

  private static final String OBJECT_REASON =
      " does not say which class to decode into (Gson would produce maps, lists, doubles and"
          + " strings); use the exact type";

  private final Types types;
  private final Elements elements;

  JsonTypes(Types types, Elements elements) {
    this.types = types;
    this.elements = elements;
  }

  /**
   * Why values of a type cannot travel as JSON with the default codec, or null if, as far as the
   * processor can tell, they can.
   *
   * @param type a parameter or result type of a stage method
   * @return the reason, ending with what to do about it, or null
   */
  @Nullable String problem(TypeMirror type) {
    if (type.getKind().isPrimitive()) {
      return null;
    }
    return switch (type.getKind()) {
      case ARRAY -> problem(((ArrayType) type).getComponentType());
      case TYPEVAR ->
          "the type variable "
              + ((TypeVariable) type).asElement().getSimpleName()
              + " is not resolved, so there is no class to decode into; use concrete types";
      case WILDCARD -> {
        TypeMirror bound = ((WildcardType) type).getExtendsBound();
        yield bound != null ? problem(bound) : "the wildcard " + type + OBJECT_REASON;
      }
      case DECLARED -> declared((DeclaredType) type);
      default -> null;
    };
  }

  private @Nullable String declared(DeclaredType type) {
    TypeElement element = (TypeElement) type.asElement();
    String name = element.getQualifiedName().toString();
    if (name.equals("java.lang.Object")) {
      return name + OBJECT_REASON;
    }
    if (Annotations.find(element, Names.JSON_ADAPTER).isPresent()) {
      return null; // its own adapter reads and writes it, type arguments included
    }
    if (name.equals("java.lang.Class")) {
      return "Gson refuses to write java.lang.Class values; send the class name as a String";
    }
    if (!element.getTypeParameters().isEmpty() && type.getTypeArguments().isEmpty()) {
      return name
          + " is a raw type, so Gson would decode what it holds as Object (maps, lists, doubles and"
          + " strings); give its type arguments";
    }
    String abstractProblem = abstractProblem(element);
    if (abstractProblem != null) {
      return abstractProblem;
    }
    for (TypeMirror argument : type.getTypeArguments()) {
      String problem = problem(argument);
      if (problem != null) {
        return problem;
      }
    }
    return null;
  }

  /** Why Gson cannot create an interface or abstract class, or null if it can (or need not). */
  private @Nullable String abstractProblem(TypeElement element) {
    boolean isInterface = element.getKind() == ElementKind.INTERFACE;
    if (element.getKind() == ElementKind.ENUM
        || (!isInterface && !element.getModifiers().contains(Modifier.ABSTRACT))) {
      return null;
    }
    String name = element.getQualifiedName().toString();
    String what = name + (isInterface ? " is an interface" : " is an abstract class");
    if (ABSTRACT_WITH_ADAPTER.contains(name) || isSubtype(element, "com.google.gson.JsonElement")) {
      return null;
    }
    for (Family family : FAMILIES) {
      if (!isSubtype(element, family.root)) {
        continue;
      }
      for (String implementation : family.implementations) {
        TypeElement impl = elements.getTypeElement(implementation);
        if (impl != null && isSubtype(impl, name)) {
          return null;
        }
      }
      return what
          + " that Gson cannot create: for "
          + family.what
          + " it creates "
          + String.join(", ", family.implementations.stream().map(JsonTypes::simpleName).toList())
          + ", and none of them is one; use one of their types ("
          + family.examples
          + ") or a concrete class";
    }
    return what
        + " and Gson has no adapter that knows which class to create; use a concrete type, or"
        + " register a TypeAdapter in a GsonCodecFactory subclass and name it with"
        + " @Stage(codecs = ...)";
  }

  /** Whether a class is, or extends or implements, the class named {@code qualifiedName}. */
  private boolean isSubtype(TypeElement type, String qualifiedName) {
    TypeElement other = elements.getTypeElement(qualifiedName);
    return other != null
        && types.isSubtype(types.erasure(type.asType()), types.erasure(other.asType()));
  }

  private static String simpleName(String qualifiedName) {
    return qualifiedName.substring(qualifiedName.lastIndexOf('.') + 1);
  }
}
