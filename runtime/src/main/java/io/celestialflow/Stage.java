package io.celestialflow;

import io.celestialflow.codec.CodecFactory;
import io.celestialflow.codec.GsonCodecFactory;
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
 *
 * <p>With {@code mode = ExecutionMode.PROCESS} the method runs in worker JVMs: the processor
 * generates a small function class that each worker creates, and that calls the method (on an
 * instance of the class the worker creates with its no-argument constructor, for an instance
 * method). Tasks and results travel as JSON; {@link #heap()}, {@link #heartbeatTimeoutMillis()},
 * {@link #jvmArgs()} and {@link #codecs()} configure the workers (see {@code docs/processor.md}).
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
   * and {@link ExecutionMode#ASYNC}, worker JVMs for {@link ExecutionMode#PROCESS}; must be 1 (or
   * 0) for {@link ExecutionMode#SERIAL}.
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

  /**
   * For an {@link ExecutionMode#PROCESS PROCESS} stage: the maximum heap of each worker JVM ({@code
   * -Xmx}), a JVM size such as {@code 256m} or {@code 2g}.
   *
   * @return the heap size, or empty for the JVM's default
   */
  String heap() default "";

  /**
   * For an {@link ExecutionMode#PROCESS PROCESS} stage: how long a worker JVM may stay silent
   * before it is considered hung, killed and replaced. Workers send heartbeats from a thread of
   * their own, so a long task is not a silence; bound tasks with {@link #timeoutMillis()}.
   *
   * @return the timeout in milliseconds, at least 100, or 0 for the runtime's default (10 s)
   */
  long heartbeatTimeoutMillis() default 0;

  /**
   * For an {@link ExecutionMode#PROCESS PROCESS} stage: more options for the command line of each
   * worker JVM, such as {@code -XX:+UseSerialGC} or {@code -Dkey=value}. The class path and the
   * heap are the engine's (see {@link #heap()}).
   *
   * @return JVM options, each starting with {@code -}
   */
  String[] jvmArgs() default {};

  /**
   * For an {@link ExecutionMode#PROCESS PROCESS} stage: how tasks and results are serialised, a
   * {@link CodecFactory} class with a no-argument constructor that every worker JVM creates. With
   * the default, the processor checks at compile time that the stage's types can travel as JSON;
   * with another factory it cannot know, and the runtime checks when the stage is built.
   *
   * @return the codec factory class
   */
  Class<? extends CodecFactory> codecs() default GsonCodecFactory.class;
}
