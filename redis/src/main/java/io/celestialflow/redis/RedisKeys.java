package io.celestialflow.redis;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The Redis keys of one stage of one graph (protocol section 2):
 *
 * <pre>
 * &lt;ns&gt;:{&lt;graph&gt;}:&lt;stage&gt;:tasks            stream of tasks, read through a consumer group
 * &lt;ns&gt;:{&lt;graph&gt;}:&lt;stage&gt;:results:&lt;run&gt;    stream of results of one graph run
 * &lt;ns&gt;:{&lt;graph&gt;}:&lt;stage&gt;:dead             stream of dead letters
 * &lt;ns&gt;:{&lt;graph&gt;}:&lt;stage&gt;:workers          hash of worker heartbeats
 * </pre>
 *
 * <p>Graph and stage names are escaped (every UTF-8 byte outside {@code A-Z a-z 0-9 . _ -} becomes
 * {@code %XX}), so any name is safe and different names never give the same key; the braces make
 * all keys of a graph one Redis Cluster hash slot.
 *
 * @param namespace the namespace, matching {@code [A-Za-z0-9._-]+}
 * @param graph the graph name, unescaped
 * @param stage the stage name, unescaped
 */
public record RedisKeys(String namespace, String graph, String stage) {
  /** The default namespace. */
  public static final String DEFAULT_NAMESPACE = "cf";

  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern RUN = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  /**
   * Validates the names.
   *
   * @param namespace the namespace
   * @param graph the graph name
   * @param stage the stage name
   * @throws IllegalArgumentException if the namespace has characters outside {@code [A-Za-z0-9._-]}
   *     or a name is empty
   */
  public RedisKeys {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(graph, "graph");
    Objects.requireNonNull(stage, "stage");
    if (!SAFE.matcher(namespace).matches()) {
      throw new IllegalArgumentException(
          "namespace '" + namespace + "' must match [A-Za-z0-9._-]+ (it is used in keys as is)");
    }
    if (graph.isEmpty() || stage.isEmpty()) {
      throw new IllegalArgumentException("graph and stage names must not be empty");
    }
  }

  /**
   * The keys of a stage in the default namespace {@code cf}.
   *
   * @param graph the graph name
   * @param stage the stage name
   * @return the keys
   */
  public static RedisKeys of(String graph, String stage) {
    return new RedisKeys(DEFAULT_NAMESPACE, graph, stage);
  }

  /**
   * The stream of tasks, read by workers through a consumer group.
   *
   * @return the key
   */
  public String tasks() {
    return prefix() + "tasks";
  }

  /**
   * The stream of results of one graph run.
   *
   * @param run the run id, matching {@code [A-Za-z0-9._-]{1,64}}
   * @return the key
   */
  public String results(String run) {
    if (!RUN.matcher(run).matches()) {
      throw new IllegalArgumentException("run id '" + run + "' must match [A-Za-z0-9._-]{1,64}");
    }
    return prefix() + "results:" + run;
  }

  /**
   * The stream of dead letters.
   *
   * @return the key
   */
  public String dead() {
    return prefix() + "dead";
  }

  /**
   * The hash of worker heartbeats (consumer name to heartbeat JSON).
   *
   * @return the key
   */
  public String workers() {
    return prefix() + "workers";
  }

  private String prefix() {
    return namespace + ":{" + escape(graph) + "}:" + escape(stage) + ":";
  }

  /**
   * Escapes a graph or stage name for use in a key: every byte of its UTF-8 encoding outside {@code
   * A-Z a-z 0-9 . _ -} becomes {@code %} and two upper-case hex digits.
   *
   * @param name the name
   * @return the escaped name
   */
  public static String escape(String name) {
    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(bytes.length + 8);
    for (byte b : bytes) {
      int c = b & 0xFF;
      boolean safe =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-';
      if (safe) {
        out.append((char) c);
      } else {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
      }
    }
    return out.toString();
  }

  static boolean isValidRun(String run) {
    return RUN.matcher(run).matches();
  }
}
