package io.celestialflow;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Options for the graph generated from a class's {@link Stage @Stage} methods. Optional: a class
 * without it gets a graph named after the class, the {@link Layout#STREAMING streaming} layout and
 * a runner.
 *
 * <pre>{@code
 * @Pipeline(name = "etl", layout = Layout.SERIAL)
 * public class Etl { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Pipeline {
  /**
   * The graph's name (thread names, logs, results).
   *
   * @return the name, or empty for the class's simple name
   */
  String name() default "";

  /**
   * The layout the generated graph uses unless its caller (or the runner's {@code --layout}) picks
   * another. {@link Layout#SERIAL SERIAL} on a class whose edges form a cycle is a compile-time
   * error.
   *
   * @return the default layout
   */
  Layout layout() default Layout.STREAMING;

  /**
   * Whether the generated class gets a {@code main} that runs the graph from the command line
   * through {@link GraphLauncher}. The runner creates the class with its no-argument constructor
   * (unless every stage method is static), so a class without one must set this to false.
   *
   * @return true to generate the runner
   */
  boolean runner() default true;
}
