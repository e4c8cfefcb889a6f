package io.celestialflow.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import java.util.List;
import java.util.regex.Pattern;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import org.jspecify.annotations.Nullable;

/**
 * The checks of {@code PROCESS} stages, whose method runs in worker JVMs: the worker settings
 * (mirroring what {@code TaskStage.Builder} and {@code ProcessOptions} refuse at run time), that a
 * worker can create the stage's object, and that the stage's values can travel as JSON (see {@link
 * JsonTypes}); and how the generated function class adapts the method's result.
 */
final class ProcessChecks {
  /** The heap sizes the runtime accepts ({@code ProcessOptions}). */
  private static final Pattern HEAP = Pattern.compile("[1-9][0-9]*[kKmMgGtT]?");

  /** JVM options the engine sets itself ({@code ProcessOptions}). */
  private static final List<String> FORBIDDEN_ARGS =
      List.of("-cp", "-classpath", "--class-path", "-jar", "-m", "--module");

  /** The attributes that configure worker JVMs, in declaration order. */
  private static final List<String> WORKER_ATTRIBUTES =
      List.of("heap", "heartbeatTimeoutMillis", "jvmArgs", "codecs");

  private final TypeUtil typeUtil;
  private final Elements elements;
  private final Diagnostics diagnostics;
  private final JsonTypes json;

  ProcessChecks(TypeUtil typeUtil, Elements elements, Diagnostics diagnostics) {
    this.typeUtil = typeUtil;
    this.elements = elements;
    this.diagnostics = diagnostics;
    this.json = new JsonTypes(typeUtil.types(), elements);
  }

  /**
   * Checks the worker attributes: set on a stage that is not PROCESS, they are errors; on a PROCESS
   * stage, their values must be ones the runtime accepts.
   */
  void checkValues(StageDeclaration stage, String generated) {
    if (!stage.isProcess()) {
      for (String attribute : WORKER_ATTRIBUTES) {
        AnnotationValue value = Annotations.explicit(stage.mirror(), attribute);
        if (value != null) {
          diagnostics.error(
              stage.method(),
              stage.mirror(),
              value,
              attribute
                  + " configures the worker JVMs of a PROCESS stage, but '"
                  + stage.name()
                  + "' runs in mode "
                  + stage.mode()
                  + "; set mode = ExecutionMode.PROCESS or remove "
                  + attribute);
        }
      }
      return;
    }
    if (!stage.heap().isEmpty() && !HEAP.matcher(stage.heap()).matches()) {
      error(stage, "heap", "heap size '" + stage.heap() + "' is not a JVM size such as 512m or 2g");
    }
    if (stage.heartbeatTimeoutMillis() != 0 && stage.heartbeatTimeoutMillis() < 100) {
      error(
          stage,
          "heartbeatTimeoutMillis",
          "heartbeatTimeoutMillis must be at least 100 (or 0 for the default, 10 s), was "
              + stage.heartbeatTimeoutMillis());
    }
    for (StageDeclaration.Text arg : stage.jvmArgs()) {
      String problem = jvmArgProblem(arg.text());
      if (problem != null) {
        diagnostics.error(stage.method(), stage.mirror(), arg.value(), problem);
      }
    }
    if (!usesDefaultCodecs(stage)) {
      checkCodecs(stage, generated);
    }
  }

  /** Why the runtime would refuse a JVM option, or null ({@code ProcessOptions.jvmArgs}). */
  private static @Nullable String jvmArgProblem(String arg) {
    if (!arg.startsWith("-") || !arg.strip().equals(arg) || arg.length() < 2) {
      return "JVM argument '" + arg + "' is not a JVM option (-X..., -D...)";
    }
    if (arg.startsWith("-Xmx")) {
      return "JVM argument '" + arg + "' is set by the engine; use heap = \"...\"";
    }
    if (FORBIDDEN_ARGS.contains(arg)) {
      return "JVM argument '" + arg + "' is set by the engine (workers use this JVM's class path)";
    }
    return null;
  }

  /** Whether a stage leaves {@code codecs} at the default, {@code GsonCodecFactory}. */
  static boolean usesDefaultCodecs(StageDeclaration stage) {
    return stage.codecs() instanceof DeclaredType d
        && ((TypeElement) d.asElement()).getQualifiedName().contentEquals(Names.GSON_CODEC_FACTORY);
  }

  /** Every worker JVM creates the codec factory with its no-argument constructor. */
  private void checkCodecs(StageDeclaration stage, String generated) {
    if (!(stage.codecs() instanceof DeclaredType d)) {
      return;
    }
    TypeElement type = (TypeElement) d.asElement();
    String name = type.getQualifiedName().toString();
    String problem = null;
    if (type.getKind() == ElementKind.INTERFACE
        || type.getModifiers().contains(Modifier.ABSTRACT)) {
      problem = name + " is abstract; a worker JVM needs a concrete class";
    } else if (type.getNestingKind() == NestingKind.MEMBER
        && !type.getModifiers().contains(Modifier.STATIC)) {
      problem = name + " is an inner class (it needs an enclosing instance); make it static";
    } else if (ElementFilter.constructorsIn(type.getEnclosedElements()).stream()
        .noneMatch(c -> c.getParameters().isEmpty())) {
      problem = name + " has no no-argument constructor";
    } else if (!typeUtil.accessible(type, elements.getPackageOf(stage.method()))) {
      problem =
          name
              + " is not accessible from package "
              + elements.getPackageOf(stage.method())
              + ", so "
              + generated
              + " cannot name it; make it public";
    }
    if (problem != null) {
      error(
          stage,
          "codecs",
          "every worker JVM creates the codec factory with its no-argument constructor, but "
              + problem);
    }
  }

  /**
   * A worker creates the object an instance stage method is called on: the class must have a
   * no-argument constructor the generated function class (in the same package) can call.
   */
  void checkInstance(StageDeclaration stage) {
    ExecutableElement method = stage.method();
    if (method.getModifiers().contains(Modifier.STATIC)
        || !(method.getEnclosingElement() instanceof TypeElement type)) {
      return;
    }
    String problem = instantiationProblem(type);
    if (problem == null) {
      return;
    }
    String simple = type.getSimpleName().toString();
    boolean constructor = problem.endsWith("no-argument constructor");
    diagnostics.error(
        method,
        "PROCESS stage '"
            + stage.name()
            + "' calls the instance method "
            + StageValidator.signature(method)
            + " in worker JVMs, where each worker creates a "
            + simple
            + " of its own (the instance the graph is built with cannot cross into another JVM),"
            + " but "
            + problem
            + (constructor
                ? "; add one (package-private is enough), or make " + stage.javaName() + " static"
                : "; make " + stage.javaName() + " static"));
  }

  /**
   * Why code in the same package cannot create a class with {@code new Type()}, or null if it can.
   */
  static @Nullable String instantiationProblem(TypeElement type) {
    String simple = type.getSimpleName().toString();
    if (type.getKind() == ElementKind.INTERFACE
        || type.getModifiers().contains(Modifier.ABSTRACT)) {
      return simple + " is abstract";
    }
    if (type.getKind() == ElementKind.ENUM) {
      return simple + " is an enum";
    }
    if (type.getNestingKind() == NestingKind.MEMBER
        && !type.getModifiers().contains(Modifier.STATIC)) {
      return simple + " is an inner class and needs an enclosing instance";
    }
    for (ExecutableElement c : ElementFilter.constructorsIn(type.getEnclosedElements())) {
      if (c.getParameters().isEmpty() && !c.getModifiers().contains(Modifier.PRIVATE)) {
        return null;
      }
    }
    return simple + " has no accessible no-argument constructor";
  }

  /**
   * The values of a stage must travel between JVMs as JSON: its parameters (the task, or the
   * components of its argument record) and its outputs. Nothing to check with codecs of the user's
   * own, which the processor cannot know.
   */
  void checkTypes(StageDeclaration stage, StageModel.Factory factory, TypeMirror output) {
    if (!usesDefaultCodecs(stage)) {
      return;
    }
    for (VariableElement p : stage.method().getParameters()) {
      String problem = json.problem(p.asType());
      if (problem != null) {
        diagnostics.error(
            p,
            "PROCESS stage '"
                + stage.name()
                + "' cannot send parameter '"
                + p.getSimpleName()
                + "' to its worker JVMs as JSON (type "
                + p.asType()
                + "): "
                + problem);
      }
    }
    if (!factory.emits()) {
      return;
    }
    String problem = json.problem(output);
    if (problem != null) {
      String what =
          switch (factory.kind) {
            case "SPLITTER" -> "its outputs (each item it returns)";
            case "ROUTER" -> "its routed values";
            default -> "its result";
          };
      diagnostics.error(
          stage.method(),
          "PROCESS stage '"
              + stage.name()
              + "' cannot send "
              + what
              + " back from its worker JVMs as JSON (type "
              + output
              + "): "
              + problem);
    }
  }

  /**
   * How the generated function class returns what the {@code TaskStage.process...} factory takes:
   * the method's result as it is, cast to a wildcard-free type, or collected into a list.
   *
   * @param graphClass the generated class, which nests the function class
   */
  StageModel.Worker worker(
      StageDeclaration stage,
      ClassName graphClass,
      StageModel.Factory factory,
      StageModel.Adapter adapter,
      TypeMirror output) {
    ClassName name =
        graphClass.nestedClass(
            StageValidator.capitalize(stage.javaName())
                + (factory.emits() ? "Function" : "Consumer"));
    TypeName out = TypeName.get(output);
    TypeMirror returned = stage.method().getReturnType();
    Types types = typeUtil.types();
    return switch (factory.kind) {
      case "CONSUMER" -> new StageModel.Worker(name, null, false);
      case "MAP" -> new StageModel.Worker(name, out, false);
      case "ROUTER" -> {
        TypeMirror exact = types.getDeclaredType(element(Names.ROUTED), output);
        yield new StageModel.Worker(
            name,
            ParameterizedTypeName.get(Names.ROUTED_CLASS, out),
            !types.isSameType(returned, exact));
      }
      default -> {
        if (adapter != StageModel.Adapter.NONE || factory == StageModel.Factory.STREAM_SPLITTER) {
          // Arrays and streams are not Iterables: the worker sends the items of a list.
          yield new StageModel.Worker(
              name, ParameterizedTypeName.get(ClassName.get(List.class), out), false);
        }
        TypeMirror iterable = types.getDeclaredType(element(Names.ITERABLE), output);
        if (types.isAssignable(returned, iterable)) {
          yield new StageModel.Worker(name, TypeName.get(returned), false);
        }
        yield new StageModel.Worker(
            name, ParameterizedTypeName.get(ClassName.get(Iterable.class), out), true);
      }
    };
  }

  private TypeElement element(String qualifiedName) {
    return (TypeElement) ((DeclaredType) typeUtil.type(qualifiedName)).asElement();
  }

  private void error(StageDeclaration stage, String attribute, String message) {
    diagnostics.error(
        stage.method(), stage.mirror(), Annotations.explicit(stage.mirror(), attribute), message);
  }
}
