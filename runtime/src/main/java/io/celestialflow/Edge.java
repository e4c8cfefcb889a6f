package io.celestialflow;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An edge from the annotated {@link Stage @Stage} method to another stage of the same class: every
 * output of this stage becomes a task of stage {@link #to()}. Repeat it for fan-out; edges may form
 * cycles, self-loops included. The processor checks at compile time that the target exists and that
 * this stage's output type is assignable to the target's input type.
 *
 * <pre>{@code
 * @Stage(kind = StageKind.SPLITTER)
 * @Edge(to = "download")
 * List<String> links(Page page) { return page.links(); }
 * }</pre>
 *
 * <p>This is the annotation form of {@link EdgeSpec} (what {@link TaskGraph.Builder#edge} records).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
@Repeatable(Edges.class)
public @interface Edge {
  /**
   * The name of the downstream stage (a method name, or its {@link Stage#name()}).
   *
   * @return the target stage name
   */
  String to();
}
