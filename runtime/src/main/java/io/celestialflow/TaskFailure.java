package io.celestialflow;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One task that failed for good: its stage, the task itself, what went wrong and after how many
 * attempts. Failure is data: it is recorded here, in the stage's {@code failed} count and as a
 * {@link io.celestialflow.event.TaskFailed} event, and the run goes on.
 *
 * <p>Made by the engine from the exception itself, a failure renders the stack trace only when it
 * is first asked for ({@link #stackTrace()}), so a run where millions of tasks fail does not pay
 * for millions of traces nobody reads. Made with {@link #of(String, Object, long, List, String,
 * String, int, Instant)} — by a store reading failures back — it holds the rendered trace.
 * Immutable and thread-safe; equal when all their fields are.
 */
public final class TaskFailure {
  private final String stage;
  private final Object task;
  private final long taskId;
  private final List<String> exceptionTypes;
  private final String message;
  private final int attempts;
  private final Instant failedAt;
  private volatile @Nullable Throwable error;
  private volatile @Nullable String stackTrace;
  private volatile long traceKey; // 0: not computed yet

  private TaskFailure(
      String stage,
      Object task,
      long taskId,
      List<String> exceptionTypes,
      String message,
      @Nullable Throwable error,
      @Nullable String stackTrace,
      int attempts,
      Instant failedAt) {
    this.stage = Objects.requireNonNull(stage, "stage");
    this.task = Objects.requireNonNull(task, "task");
    this.taskId = taskId;
    this.exceptionTypes = List.copyOf(exceptionTypes);
    if (this.exceptionTypes.isEmpty()) {
      throw new IllegalArgumentException("a failure needs its exception type");
    }
    this.message = Objects.requireNonNull(message, "message");
    this.error = error;
    this.stackTrace = stackTrace;
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1, was " + attempts);
    }
    this.attempts = attempts;
    this.failedAt = Objects.requireNonNull(failedAt, "failedAt");
  }

  /**
   * A failure caused by an exception; its stack trace is rendered when first asked for.
   *
   * @param stage the stage
   * @param task the task
   * @param taskId the task's id, or 0 when the run does not track identity
   * @param error the exception
   * @param attempts how many attempts were made, at least 1
   * @return the failure
   */
  public static TaskFailure of(
      String stage, Object task, long taskId, Throwable error, int attempts) {
    String message = error.getMessage();
    return new TaskFailure(
        stage,
        task,
        taskId,
        typesOf(error.getClass()),
        message == null ? "" : message,
        error,
        null,
        attempts,
        Instant.now());
  }

  /**
   * A failure as recorded elsewhere (a run store, another process).
   *
   * @param stage the stage
   * @param task the task
   * @param taskId the task's id, or 0
   * @param exceptionTypes the exception's class name followed by its superclasses' (most specific
   *     first); at least one
   * @param message the message (empty if none)
   * @param stackTrace the rendered stack trace
   * @param attempts how many attempts were made, at least 1
   * @param failedAt when the last attempt failed
   * @return the failure
   */
  public static TaskFailure of(
      String stage,
      Object task,
      long taskId,
      List<String> exceptionTypes,
      String message,
      String stackTrace,
      int attempts,
      Instant failedAt) {
    return new TaskFailure(
        stage,
        task,
        taskId,
        exceptionTypes,
        message,
        null,
        Objects.requireNonNull(stackTrace, "stackTrace"),
        attempts,
        failedAt);
  }

  /**
   * The names of a throwable class and its superclasses up to {@link Throwable}, most specific
   * first.
   *
   * @param type the class
   * @return the names
   */
  public static List<String> typesOf(Class<?> type) {
    List<String> names = new ArrayList<>(4);
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      names.add(c.getName());
    }
    return names;
  }

  /**
   * The name of the stage whose function failed.
   *
   * @return the stage name
   */
  public String stage() {
    return stage;
  }

  /**
   * The task that failed.
   *
   * @return the task
   */
  public Object task() {
    return task;
  }

  /**
   * The task's id when the run tracked task identity ({@link RunBuilder#trackLineage()}), else 0.
   *
   * @return the id
   */
  public long taskId() {
    return taskId;
  }

  /**
   * The fully qualified class name of the exception.
   *
   * @return the class name
   */
  public String exceptionType() {
    return exceptionTypes.get(0);
  }

  /**
   * The exception's class name followed by its superclasses', most specific first, up to {@code
   * java.lang.Throwable}.
   *
   * @return the class names
   */
  public List<String> exceptionTypes() {
    return exceptionTypes;
  }

  /**
   * The exception's message.
   *
   * @return the message (empty if it had none)
   */
  public String message() {
    return message;
  }

  /**
   * The exception's stack trace, causes included; rendered on first use.
   *
   * @return the stack trace
   */
  public String stackTrace() {
    String trace = stackTrace;
    if (trace != null) {
      return trace;
    }
    Throwable e = error;
    if (e == null) { // another thread rendered it meanwhile (it sets the trace first)
      return Objects.requireNonNull(stackTrace);
    }
    StringWriter out = new StringWriter();
    e.printStackTrace(new PrintWriter(out));
    trace = out.toString();
    stackTrace = trace;
    error = null; // the trace is all that is kept: the exception may hold on to a lot
    return trace;
  }

  /**
   * A 64-bit key of where the failure was thrown, computed on first use without rendering the stack
   * trace: failures with equal keys have the same {@link #stackTrace()} below its first line, and
   * the same first line too unless that line is the usual {@code type: message} (or {@code type}).
   * A store can thus keep each distinct trace once and render a trace only the first time its key
   * is seen.
   *
   * <p>For a failure made from an exception the key hashes the exception's type, its frames, and
   * each cause's and suppressed exception's text and frames (everything {@link
   * Throwable#printStackTrace()} prints after the first line); for a failure made from a rendered
   * trace it hashes that text. The two kinds of key differ for the same trace. Distinct traces
   * share a key only by a hash collision (about one in 2<sup>64</sup> per pair). Never 0.
   *
   * @return the key
   */
  public long traceKey() {
    long key = traceKey;
    if (key != 0) {
      return key;
    }
    Throwable e = error;
    String trace = stackTrace;
    if (e != null) {
      key = keyOf(e);
    } else {
      key = keyOf(Objects.requireNonNull(trace));
    }
    if (key == 0) {
      key = 1;
    }
    traceKey = key;
    return key;
  }

  private long keyOf(Throwable e) {
    String head = e.toString();
    boolean usual =
        message.isEmpty()
            ? head.equals(exceptionType())
            : head.length() == exceptionType().length() + 2 + message.length()
                && head.startsWith(exceptionType())
                && head.startsWith(": ", exceptionType().length())
                && head.endsWith(message);
    long h = mix(SEED, usual ? exceptionType() : head);
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    seen.add(e);
    return frames(h, e, seen);
  }

  /**
   * Mixes in the frames, suppressed exceptions and causes of {@code e} (its text is in already).
   */
  private static long frames(long h, Throwable e, Set<Throwable> seen) {
    for (StackTraceElement f : e.getStackTrace()) {
      h = mix(h, f.getClassName());
      h = mix(h, f.getMethodName());
      h = mix(h, String.valueOf(f.getFileName()));
      h = step(h, f.getLineNumber());
      h = mix(h, String.valueOf(f.getModuleName()));
      h = mix(h, String.valueOf(f.getModuleVersion()));
      h = mix(h, String.valueOf(f.getClassLoaderName()));
    }
    for (Throwable s : e.getSuppressed()) {
      h = step(h, 'S');
      h = seen.add(s) ? frames(mix(h, s.toString()), s, seen) : mix(h, s.toString());
    }
    Throwable cause = e.getCause();
    if (cause != null) {
      h = step(h, 'C');
      h =
          seen.add(cause)
              ? frames(mix(h, cause.toString()), cause, seen)
              : mix(h, cause.toString());
    }
    return step(h, 'E');
  }

  private long keyOf(String trace) {
    int nl = trace.indexOf('\n');
    int firstEnd = nl < 0 ? trace.length() : nl;
    int end = firstEnd > 0 && trace.charAt(firstEnd - 1) == '\r' ? firstEnd - 1 : firstEnd;
    String first = trace.substring(0, end);
    String usual = message.isEmpty() ? exceptionType() : exceptionType() + ": " + message;
    long h = step(SEED, 'T');
    h = first.equals(usual) ? step(h, 'U') : mix(h, trace.substring(0, firstEnd));
    for (int i = firstEnd; i < trace.length(); i++) {
      h = (h ^ trace.charAt(i)) * FNV_PRIME;
    }
    return h;
  }

  private static final long SEED = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  /** Mixes a string in: its length and its (cached) hash, so no character is read twice. */
  private static long mix(long h, String s) {
    return step(step(h, s.length()), s.hashCode());
  }

  private static long step(long h, long v) {
    long x = (h ^ v) * 0x9e3779b97f4a7c15L;
    return x ^ (x >>> 29);
  }

  /**
   * How many times the task was attempted.
   *
   * @return the attempts, at least 1
   */
  public int attempts() {
    return attempts;
  }

  /**
   * When the last attempt failed.
   *
   * @return the time
   */
  public Instant failedAt() {
    return failedAt;
  }

  /**
   * Whether the failure was caused by an exception of the given type or a subclass of it. Decided
   * by name, from {@link #exceptionTypes()}, so it also works for exceptions whose class another
   * class loader (or another process) defined.
   *
   * @param type the exception type
   * @return true if the exception was a {@code type}
   */
  public boolean isA(Class<? extends Throwable> type) {
    return exceptionTypes.contains(type.getName());
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof TaskFailure f
        && taskId == f.taskId
        && attempts == f.attempts
        && stage.equals(f.stage)
        && task.equals(f.task)
        && exceptionTypes.equals(f.exceptionTypes)
        && message.equals(f.message)
        && failedAt.equals(f.failedAt)
        && stackTrace().equals(f.stackTrace());
  }

  @Override
  public int hashCode() {
    return Objects.hash(stage, task, taskId, exceptionTypes, message, attempts, failedAt);
  }

  /** A one-line summary: stage, task, exception type and message, attempts. */
  @Override
  public String toString() {
    return "TaskFailure[stage="
        + stage
        + ", task="
        + task
        + ", "
        + exceptionType()
        + (message.isEmpty() ? "" : ": " + message)
        + ", attempts="
        + attempts
        + "]";
  }
}
