package io.celestialflow;

import java.util.List;
import java.util.Objects;

/**
 * The result of a {@link StageKind#ROUTER router} stage: a value and the downstream stage(s) it
 * goes to. A router may only name stages it has an edge to; naming another fails that task with a
 * message listing the valid targets.
 *
 * <pre>{@code
 * TaskStage<Integer, Integer> parity = TaskStage.router("parity",
 *         (Integer n) -> Routed.to(n % 2 == 0 ? "even" : "odd", n))
 *     .build();
 * }</pre>
 *
 * @param targets names of the downstream stages that receive {@code value}; empty means the value
 *     is dropped
 * @param value the value sent to each target
 * @param <T> the value type
 */
public record Routed<T>(List<String> targets, T value) {
  /**
   * Validates and copies the arguments.
   *
   * @param targets names of the downstream stages that receive {@code value}
   * @param value the value
   */
  public Routed {
    targets = List.copyOf(targets);
    Objects.requireNonNull(value, "value");
  }

  /**
   * Sends {@code value} to the downstream stage named {@code target}.
   *
   * @param target the name of a stage this router has an edge to
   * @param value the value
   * @param <T> the value type
   * @return the routing decision
   */
  public static <T> Routed<T> to(String target, T value) {
    return new Routed<>(List.of(target), value);
  }

  /**
   * Sends {@code value} to {@code target}; the compiler checks that the target accepts it.
   *
   * @param target a stage this router has an edge to
   * @param value the value
   * @param <T> the value type
   * @return the routing decision
   */
  public static <T> Routed<T> to(TaskStage<? super T, ?> target, T value) {
    return new Routed<>(List.of(target.name()), value);
  }

  /**
   * Sends {@code value} to several downstream stages.
   *
   * @param targets names of stages this router has edges to
   * @param value the value
   * @param <T> the value type
   * @return the routing decision
   */
  public static <T> Routed<T> toAll(List<String> targets, T value) {
    return new Routed<>(targets, value);
  }

  /**
   * Drops {@code value}: no downstream stage receives it. The task still counts as succeeded, and
   * the value is still collected or streamed if the router's outputs are.
   *
   * @param value the value
   * @param <T> the value type
   * @return the routing decision
   */
  public static <T> Routed<T> drop(T value) {
    return new Routed<>(List.of(), value);
  }
}
