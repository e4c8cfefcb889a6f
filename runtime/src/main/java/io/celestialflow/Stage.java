package io.celestialflow;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a method a stage of its class's graph. The CelestialFlow annotation processor reads the
 * {@code @Stage} and {@link Edge @Edge} methods of a class {@code Foo} and generates {@code
 * FooGraph} next to it: the stages wired with {@link TaskGraph.Builder}, typed inputs for the entry
 * stages, typed outputs in the result, and a {@code main} that runs the graph from the command line
 * (see {@code docs/processor.md}).
 *
 * <pre>{@code
 * public class Quickstart {
 *   @Stage(mode = ExecutionMode.THREAD, workers = 4)
 *   @Edge(to = "square")
 *   int add(int x, int y) { return x + y; }
 *
 *   @Stage(mode = ExecutionMode.THREAD)
 *   int square(int x) { return x * x; }
 * }
 * }</pre>
 *
 * <p>The method's parameters are the task: one parameter is the task itself; several become a
 * generated record ({@code QuickstartGraph.AddArgs(int x, int y)} above), one record per task. What
 * the method returns depends on the {@link #kind() kind}: a value for {@link StageKind#MAP MAP}
 * ({@code void} makes the stage a {@link StageKind#CONSUMER consumer}), an {@link Iterable}, {@link
 * java.util.stream.Stream} or array for {@link StageKind#SPLITTER SPLITTER}, a {@link Routed} for
 * {@link StageKind#ROUTER ROUTER}; {@link ExecutionMode#ASYNC ASYNC} stages return the same wrapped
 * in a {@link java.util.concurrent.CompletionStage}. Every mistake is a compile-time error on the
 * offending element.
 *
 * <p>The method may be static or an instance method (the generated graph then takes the instance);
 * it must not be private or generic.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Stage {
  /**
   * The stage name, unique in the class; {@link Edge#to()} refers to it.
   *
   * @return the name, or empty for the method's name
   */
  String name() default "";

  /**
   * What the stage emits per task. A {@code void} method is a {@link StageKind#CONSUMER consumer}
   * whatever the default {@link StageKind#MAP MAP} says.
   *
   * @return the kind
   */
  StageKind kind() default StageKind.MAP;

  /**
   * How the stage runs its tasks.
   *
   * @return the execution mode
   */
  ExecutionMode mode() default ExecutionMode.SERIAL;

  /**
   * The worker limit: threads for {@link ExecutionMode#THREAD}, tasks in flight for virtual threads
   * and {@link ExecutionMode#ASYNC}; must be 1 (or 0) for {@link ExecutionMode#SERIAL}.
   *
   * @return the limit, or 0 for the runtime's default (1, or {@value
   *     TaskStage#DEFAULT_ASYNC_WORKERS} for {@code ASYNC})
   */
  int workers() default 0;

  /**
   * Runs each task of a {@link ExecutionMode#THREAD THREAD} stage on its own virtual thread, at
   * most {@link #workers()} at once: for tasks that block on I/O.
   *
   * @return true for virtual threads
   */
  boolean virtualThreads() default false;

  /**
   * For a {@link StageKind#ROUTER ROUTER}: the names of the stages it routes to. Each must also be
   * one of its {@link Edge @Edge} targets; the processor checks that.
   *
   * @return the route targets, or empty to leave them unchecked
   */
  String[] routes() default {};

  /**
   * Also collects the outputs of this stage into the result although it has downstream stages
   * (outputs of stages without downstream stages are always collected).
   *
   * @return true to collect
   */
  boolean collect() default false;

  /**
   * Skips tasks equal to one the stage has already seen, counting them as duplicates.
   *
   * @return true to skip duplicates
   */
  boolean dedupe() default false;

  /**
   * Fails a task that takes longer than this.
   *
   * @return the per-task timeout in milliseconds, or 0 for none
   */
  long timeoutMillis() default 0;

  /**
   * The exceptions (and their subtypes) after which a task is tried again.
   *
   * @return the retryable exception types, or empty for no retries
   */
  Class<? extends Throwable>[] retryOn() default {};

  /**
   * The most times one task is attempted when it fails with a {@link #retryOn()} exception.
   *
   * @return the attempt limit, the first attempt included
   */
  int maxAttempts() default 3;

  /**
   * The wait before the second attempt; each further wait doubles, with 20% jitter.
   *
   * @return the first backoff in milliseconds
   */
  long backoffMillis() default 10;
}
