package io.celestialflow.store;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Splits a rendered stack trace into its first line and the rest, so that the rest — the same for
 * every failure thrown at one place — is stored once however many failures share it.
 *
 * @param head the first line, or null when it is the usual {@code type: message} (or {@code type})
 *     and can be rebuilt from the failure's own fields
 * @param body everything after the first line
 */
record TraceText(@Nullable String head, String body) {
  static TraceText split(String trace, String type, String message) {
    int nl = trace.indexOf('\n');
    String first = nl < 0 ? trace : trace.substring(0, nl);
    String body = nl < 0 ? "" : trace.substring(nl + 1);
    String firstLine = first.endsWith("\r") ? first.substring(0, first.length() - 1) : first;
    boolean usual = firstLine.equals(usualHead(type, message));
    return new TraceText(usual ? null : first, body);
  }

  static String join(@Nullable String head, String body, String type, String message) {
    String first = head != null ? head : usualHead(type, message);
    return body.isEmpty() ? first : first + "\n" + body;
  }

  private static String usualHead(String type, String message) {
    return message.isEmpty() ? type : type + ": " + message;
  }

  /** A 64-bit FNV-1a hash of the body, for the lookup index. */
  long hash() {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < body.length(); i++) {
      h ^= body.charAt(i);
      h *= 0x100000001b3L;
    }
    return h;
  }

  /** The chain of exception types as stored: one per line. */
  static String chain(List<String> types) {
    return String.join("\n", types);
  }
}
