package io.celestialflow;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The container of repeated {@link Edge @Edge} annotations; written by the compiler, not by hand.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Edges {
  /**
   * The edges, in source order.
   *
   * @return the edges
   */
  Edge[] value();
}
