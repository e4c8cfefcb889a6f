package io.celestialflow.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import org.jspecify.annotations.Nullable;

/**
 * Checks one stage method on its own — its modifiers, parameters, return type against its kind and
 * mode, and its annotation's values — and works out how it is wired: the {@code TaskStage} factory,
 * the task type and the output type.
 */
final class StageValidator {
  /** Names a record component may not have (they would override {@code Object}'s methods). */
  private static final Set<String> RESERVED_COMPONENTS =
      Set.of(
          "clone", "finalize", "getClass", "hashCode", "notify", "notifyAll", "toString", "wait");

  private final TypeUtil typeUtil;
  private final Elements elements;
  private final Diagnostics diagnostics;
  private final ProcessChecks process;

  StageValidator(TypeUtil typeUtil, Elements elements, Diagnostics diagnostics) {
    this.typeUtil = typeUtil;
    this.elements = elements;
    this.diagnostics = diagnostics;
    this.process = new ProcessChecks(typeUtil, elements, diagnostics);
  }

  /**
   * Checks a stage method and models it.
   *
   * @param stage the declaration
   * @param graphClass the generated class (argument records are nested in it)
   * @return the model, or empty if an error was reported
   */
  Optional<StageModel> validate(StageDeclaration stage, ClassName graphClass) {
    int errorsBefore = diagnostics.errorCount();
    ExecutableElement method = stage.method();
    String signature = signature(method);
    String generated = graphClass.simpleName();
    if (method.getModifiers().contains(Modifier.PRIVATE)) {
      diagnostics.error(
          method,
          "stage method "
              + signature
              + " is private; "
              + generated
              + " calls it from the same package, so make it package-private or wider");
    }
    if (!method.getTypeParameters().isEmpty()) {
      diagnostics.error(
          method,
          "stage method "
              + signature
              + " is generic; the graph's wiring needs concrete task and output types, so declare"
              + " it without type parameters");
    }
    if (method.getParameters().isEmpty()) {
      diagnostics.error(
          method,
          "stage method "
              + signature
              + " has no parameter; a stage method takes its task as its parameters");
    }
    checkValues(stage);
    process.checkValues(stage, generated);
    checkAccessible(stage, generated);

    List<StageModel.Parameter> parameters = new ArrayList<>();
    for (VariableElement p : method.getParameters()) {
      parameters.add(
          new StageModel.Parameter(p.getSimpleName().toString(), TypeName.get(p.asType())));
    }
    ClassName argsRecord = null;
    TypeMirror input = null;
    TypeName inputName;
    if (method.getParameters().size() > 1) {
      argsRecord = graphClass.nestedClass(capitalize(stage.javaName()) + "Args");
      inputName = argsRecord;
      for (VariableElement p : method.getParameters()) {
        if (RESERVED_COMPONENTS.contains(p.getSimpleName().toString())) {
          diagnostics.error(
              p,
              "parameter '"
                  + p.getSimpleName()
                  + "' of "
                  + signature
                  + " cannot be a component of the generated record "
                  + argsRecord.simpleName()
                  + "; rename it");
        }
      }
    } else if (method.getParameters().size() == 1) {
      input = typeUtil.box(method.getParameters().get(0).asType());
      inputName = TypeName.get(input);
    } else {
      inputName = ClassName.OBJECT;
    }

    Shape shape = shape(stage);
    if (shape != null && shape.factory == StageModel.Factory.CONSUMER && stage.collect()) {
      error(
          stage,
          "collect",
          "stage '" + stage.name() + "' returns void (a consumer) and has no outputs to collect");
    }
    StageModel.Worker worker = null;
    if (shape != null && stage.isProcess()) {
      process.checkInstance(stage);
      process.checkTypes(stage, shape.factory, shape.output);
      worker = process.worker(stage, graphClass, shape.factory, shape.adapter, shape.output);
    }
    if (shape == null || diagnostics.errorCount() > errorsBefore) {
      return Optional.empty();
    }
    return Optional.of(
        new StageModel(
            stage,
            shape.factory,
            shape.adapter,
            input,
            inputName,
            shape.output,
            TypeName.get(shape.output),
            List.copyOf(parameters),
            argsRecord,
            overloaded(method),
            worker));
  }

  /** How a stage is built and what each of its outputs is. */
  private record Shape(StageModel.Factory factory, StageModel.Adapter adapter, TypeMirror output) {}

  /** Whether the class of a method has (or inherits) another method of the same name. */
  private boolean overloaded(ExecutableElement method) {
    TypeElement type = (TypeElement) method.getEnclosingElement();
    for (ExecutableElement m : ElementFilter.methodsIn(elements.getAllMembers(type))) {
      if (!m.equals(method) && m.getSimpleName().contentEquals(method.getSimpleName())) {
        return true;
      }
    }
    return false;
  }

  /** Works out the factory and output type from the return type, kind and mode. */
  private @Nullable Shape shape(StageDeclaration stage) {
    ExecutableElement method = stage.method();
    TypeMirror returned = method.getReturnType();
    boolean async = stage.mode().equals("ASYNC");
    String kind = stage.kind();
    String name = "'" + stage.name() + "'";
    TypeMirror voidType = typeUtil.type("java.lang.Void");

    if (returned.getKind() == TypeKind.VOID) {
      if (async) {
        return error(
            stage,
            "mode",
            "ASYNC stage "
                + name
                + " must return CompletionStage<T> (the engine waits for it), but returns void");
      }
      if (kind.equals("SPLITTER") || kind.equals("ROUTER")) {
        return error(stage, "kind", kindExpectation(kind, name) + ", but returns void");
      }
      return new Shape(StageModel.Factory.CONSUMER, StageModel.Adapter.NONE, voidType);
    }
    if (kind.equals("CONSUMER")) {
      return error(
          stage,
          "kind",
          "CONSUMER "
              + name
              + " must return void, but returns "
              + returned
              + "; use kind = StageKind.MAP to pass the value on");
    }

    TypeMirror value = returned;
    List<? extends TypeMirror> future = typeUtil.typeArgumentsAs(returned, Names.COMPLETION_STAGE);
    if (async) {
      if (future == null) {
        return error(
            stage,
            "mode",
            "ASYNC stage "
                + name
                + " must return CompletionStage<T> (the engine waits for it), but returns "
                + returned);
      }
      if (future.isEmpty()) {
        return error(stage, "mode", rawMessage(name, returned, "CompletionStage<String>"));
      }
      value = typeUtil.upper(future.get(0));
    } else if (future != null && stage.isProcess()) {
      return error(
          stage,
          "mode",
          "PROCESS stage "
              + name
              + " returns "
              + returned
              + ", but a CompletionStage cannot cross a process boundary (a worker JVM sends back"
              + " values, not futures); return the value itself, or use mode ="
              + " ExecutionMode.ASYNC to wait for it in this JVM");
    } else if (future != null) {
      return error(
          stage,
          "mode",
          "stage "
              + name
              + " returns "
              + returned
              + " but runs in mode "
              + stage.mode()
              + "; set mode = ExecutionMode.ASYNC to have the engine wait for it");
    }

    return switch (kind) {
      case "SPLITTER" -> splitter(stage, name, value, async);
      case "ROUTER" -> router(stage, name, value, returned, async);
      default -> map(stage, name, value, async);
    };
  }

  private @Nullable Shape router(
      StageDeclaration stage, String name, TypeMirror value, TypeMirror returned, boolean async) {
    List<? extends TypeMirror> routed = typeUtil.typeArgumentsAs(value, Names.ROUTED);
    if (routed == null) {
      return error(stage, "kind", kindExpectation("ROUTER", name) + ", but returns " + returned);
    }
    if (routed.isEmpty()) {
      return error(stage, "kind", rawMessage(name, value, "Routed<String>"));
    }
    TypeMirror out = typeUtil.upper(routed.get(0));
    return new Shape(
        async ? StageModel.Factory.ASYNC_ROUTER : StageModel.Factory.ROUTER,
        StageModel.Adapter.NONE,
        out);
  }

  private @Nullable Shape map(
      StageDeclaration stage, String name, TypeMirror value, boolean async) {
    if (typeUtil.types().isSameType(typeUtil.box(value), typeUtil.type("java.lang.Void"))) {
      return error(
          stage,
          async ? "mode" : "kind",
          async
              ? "ASYNC stage "
                  + name
                  + " completes with Void; asynchronous consumers are not supported (the"
                  + " runtime has no TaskStage.asyncConsumer), so complete it with a value"
              : "stage " + name + " returns Void, which is never a task; make it void");
    }
    return new Shape(
        async ? StageModel.Factory.ASYNC : StageModel.Factory.MAP,
        StageModel.Adapter.NONE,
        typeUtil.box(value));
  }

  private @Nullable Shape splitter(
      StageDeclaration stage, String name, TypeMirror value, boolean async) {
    String expected = kindExpectation("SPLITTER", name);
    List<? extends TypeMirror> iterable = typeUtil.typeArgumentsAs(value, Names.ITERABLE);
    if (iterable != null) {
      if (iterable.isEmpty()) {
        return error(stage, "kind", rawMessage(name, value, "List<String>"));
      }
      return new Shape(
          async ? StageModel.Factory.ASYNC_SPLITTER : StageModel.Factory.SPLITTER,
          StageModel.Adapter.NONE,
          typeUtil.upper(iterable.get(0)));
    }
    if (async) {
      return error(
          stage,
          "kind",
          "an ASYNC SPLITTER must return a CompletionStage of an Iterable, but "
              + name
              + " completes with "
              + value);
    }
    List<? extends TypeMirror> stream = typeUtil.typeArgumentsAs(value, Names.STREAM);
    if (stream != null) {
      if (stream.isEmpty()) {
        return error(stage, "kind", rawMessage(name, value, "Stream<String>"));
      }
      return new Shape(
          StageModel.Factory.STREAM_SPLITTER,
          StageModel.Adapter.NONE,
          typeUtil.upper(stream.get(0)));
    }
    if (value instanceof ArrayType array) {
      TypeMirror component = array.getComponentType();
      if (!component.getKind().isPrimitive()) {
        return new Shape(StageModel.Factory.SPLITTER, StageModel.Adapter.ARRAY, component);
      }
      TypeKind k = component.getKind();
      if (k == TypeKind.INT || k == TypeKind.LONG || k == TypeKind.DOUBLE) {
        return new Shape(
            StageModel.Factory.STREAM_SPLITTER,
            StageModel.Adapter.PRIMITIVE_ARRAY,
            typeUtil.box(component));
      }
      return error(
          stage,
          "kind",
          "SPLITTER "
              + name
              + " returns "
              + value
              + "; of primitive arrays only int[], long[] and double[] are supported, so return"
              + " a List instead");
    }
    return error(stage, "kind", expected + ", but returns " + value);
  }

  private static String kindExpectation(String kind, String name) {
    return switch (kind) {
      case "SPLITTER" ->
          "SPLITTER "
              + name
              + " must return an Iterable, a Stream or an array (each item becomes a task"
              + " downstream)";
      case "ROUTER" ->
          "ROUTER " + name + " must return Routed<T> (the value and the stages it goes to)";
      default -> throw new IllegalArgumentException(kind);
    };
  }

  private static String rawMessage(String name, TypeMirror type, String example) {
    return "stage "
        + name
        + " returns the raw type "
        + type
        + "; give its type argument (e.g. "
        + example
        + ") so that the wiring can type the outputs";
  }

  /** Reports an error on an attribute (or the annotation if the attribute was not written). */
  private @Nullable Shape error(StageDeclaration stage, String attribute, String message) {
    AnnotationValue value = Annotations.explicit(stage.mirror(), attribute);
    diagnostics.error(stage.method(), stage.mirror(), value, message);
    return null;
  }

  /** Checks the annotation's values that the runtime would otherwise reject when the graph runs. */
  private void checkValues(StageDeclaration stage) {
    if (stage.name().isBlank()
        || !stage.name().strip().equals(stage.name())
        || stage.name().chars().anyMatch(Character::isISOControl)) {
      error(
          stage,
          "name",
          "stage name '"
              + stage.name()
              + "' must not be blank, start or end with spaces or contain control characters");
    }
    String mode = stage.mode();
    if (stage.workers() < 0) {
      error(
          stage,
          "workers",
          "workers must be at least 1 (or 0 for the default), was " + stage.workers());
    } else if (mode.equals("SERIAL") && stage.workers() > 1) {
      error(
          stage,
          "workers",
          "a SERIAL stage runs one task at a time, so workers must be 1, was "
              + stage.workers()
              + "; use mode = ExecutionMode.THREAD for a pool");
    }
    if (stage.virtualThreads() && !mode.equals("THREAD")) {
      error(
          stage, "virtualThreads", "virtual threads need mode = ExecutionMode.THREAD, not " + mode);
    }
    if (stage.timeoutMillis() < 0) {
      error(
          stage,
          "timeoutMillis",
          "timeoutMillis must not be negative, was " + stage.timeoutMillis());
    }
    if (stage.maxAttempts() < 1) {
      error(
          stage,
          "maxAttempts",
          "maxAttempts must be at least 1 (the first attempt counts), was " + stage.maxAttempts());
    }
    if (stage.backoffMillis() < 0) {
      error(
          stage,
          "backoffMillis",
          "backoffMillis must not be negative, was " + stage.backoffMillis());
    }
    if (!stage.routes().isEmpty() && !stage.kind().equals("ROUTER")) {
      error(
          stage,
          "routes",
          "routes are the targets of a ROUTER, but '"
              + stage.name()
              + "' is a "
              + stage.kind()
              + "; set kind = StageKind.ROUTER or remove routes");
    }
  }

  /** The generated class must be able to name every type of the method's signature. */
  private void checkAccessible(StageDeclaration stage, String generated) {
    ExecutableElement method = stage.method();
    PackageElement pkg = elements.getPackageOf(method);
    for (VariableElement p : method.getParameters()) {
      typeUtil
          .inaccessible(p.asType(), pkg)
          .ifPresent(bad ->
              inaccessible(p, bad, "the type of parameter '" + p.getSimpleName() + "'", generated));
    }
    typeUtil
        .inaccessible(method.getReturnType(), pkg)
        .ifPresent(bad ->
            inaccessible(method, bad, "in the return type of " + signature(method), generated));
  }

  private void inaccessible(
      javax.lang.model.element.Element where, TypeElement bad, String role, String generated) {
    diagnostics.error(
        where,
        bad.getQualifiedName()
            + " ("
            + role
            + ") is not accessible from package "
            + elements.getPackageOf(where)
            + ", so "
            + generated
            + " cannot name it; make it package-private or wider");
  }

  /** A method as people write it: {@code add(int, int)}. */
  static String signature(ExecutableElement method) {
    List<String> params = new ArrayList<>();
    for (VariableElement p : method.getParameters()) {
      params.add(p.asType().toString());
    }
    return method.getSimpleName() + "(" + String.join(", ", params) + ")";
  }

  static String capitalize(String name) {
    return Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }
}
