package io.celestialflow.processor;

import com.sun.source.tree.AnnotationTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import java.util.ArrayList;
import java.util.List;
import javax.annotation.processing.Messager;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;
import javax.tools.Diagnostic;
import org.jspecify.annotations.Nullable;

/**
 * Reports problems on the element, annotation and annotation value they concern, so that javac
 * points at the offending source text, and remembers whether any error was reported.
 */
final class Diagnostics {
  private final Messager messager;

  /** javac's trees, to place diagnostics on repeated annotations; null under other compilers. */
  private final @Nullable Trees trees;

  private int errors;

  Diagnostics(ProcessingEnvironment env) {
    this.messager = env.getMessager();
    this.trees = treesOf(env);
  }

  private static @Nullable Trees treesOf(ProcessingEnvironment env) {
    try {
      return Trees.instance(env);
    } catch (IllegalArgumentException | LinkageError e) {
      return null; // not javac: diagnostics on repeated edges fall back to the method
    }
  }

  /** An error on an element. */
  void error(Element element, String message) {
    error(element, null, null, message);
  }

  /** An error on an annotation of an element. */
  void error(Element element, @Nullable AnnotationMirror annotation, String message) {
    error(element, annotation, null, message);
  }

  /** An error on one value of an annotation of an element. */
  void error(
      Element element,
      @Nullable AnnotationMirror annotation,
      @Nullable AnnotationValue value,
      String message) {
    errors++;
    print(Diagnostic.Kind.ERROR, element, annotation, value, message);
  }

  /** A warning on one value of an annotation of an element. */
  void warning(
      Element element,
      @Nullable AnnotationMirror annotation,
      @Nullable AnnotationValue value,
      String message) {
    print(Diagnostic.Kind.WARNING, element, annotation, value, message);
  }

  /**
   * An error on an {@code @Edge} of a method, on its {@code to} value or on the whole annotation.
   */
  void edgeError(Element method, EdgeDeclaration edge, boolean onTarget, String message) {
    errors++;
    printOnEdge(Diagnostic.Kind.ERROR, method, edge, onTarget, message);
  }

  /** A warning on the {@code to} value of an {@code @Edge} of a method. */
  void edgeWarning(Element method, EdgeDeclaration edge, String message) {
    printOnEdge(Diagnostic.Kind.WARNING, method, edge, true, message);
  }

  /** How many errors were reported so far. */
  int errorCount() {
    return errors;
  }

  private void print(
      Diagnostic.Kind kind,
      Element element,
      @Nullable AnnotationMirror annotation,
      @Nullable AnnotationValue value,
      String message) {
    if (annotation == null) {
      messager.printMessage(kind, message, element);
    } else if (value == null) {
      messager.printMessage(kind, message, element, annotation);
    } else {
      messager.printMessage(kind, message, element, annotation, value);
    }
  }

  private void printOnEdge(
      Diagnostic.Kind kind,
      Element method,
      EdgeDeclaration edge,
      boolean onTarget,
      String message) {
    if (edge.repeatIndex() < 0) {
      print(kind, method, edge.mirror(), onTarget ? edge.toValue() : null, message);
      return;
    }
    // A repeated @Edge sits inside the @Edges container that javac synthesises, and javac's
    // Messager only places diagnostics on annotations written at the top level: find the tree.
    TreePath path = trees == null ? null : trees.getPath(method);
    if (trees != null && path != null && path.getLeaf() instanceof MethodTree tree) {
      List<AnnotationTree> repeated = new ArrayList<>();
      for (AnnotationTree a : tree.getModifiers().getAnnotations()) {
        TypeMirror type = trees.getTypeMirror(new TreePath(path, a));
        if (type instanceof DeclaredType d
            && ((TypeElement) d.asElement()).getQualifiedName().contentEquals(Names.EDGE)) {
          repeated.add(a);
        }
      }
      if (edge.repeatIndex() < repeated.size()) {
        AnnotationTree a = repeated.get(edge.repeatIndex());
        Tree where = onTarget ? target(a) : a;
        trees.printMessage(kind, message, where, path.getCompilationUnit());
        return;
      }
    }
    print(kind, method, null, null, message);
  }

  /** The {@code to = "..."} value of an {@code @Edge} tree. */
  private static Tree target(AnnotationTree edge) {
    for (ExpressionTree argument : edge.getArguments()) {
      if (argument instanceof AssignmentTree assignment
          && assignment.getVariable() instanceof IdentifierTree name
          && name.getName().contentEquals("to")) {
        return assignment.getExpression();
      }
    }
    return edge;
  }
}
