package io.celestialflow.store;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A rendered stack trace split into its first line and the rest (the body), so that the body — the
 * same for every failure thrown at one place — is stored once however many failures share it. The
 * body stays a region of the trace until it must be stored: comparing it with a cached body costs a
 * region comparison, not a copy.
 *
 * @param trace the whole trace
 * @param bodyStart where the body starts in it
 * @param head the first line, or null when it is the usual {@code type: message} (or {@code type})
 *     and can be rebuilt from the failure's own fields
 */
record TraceText(String trace, int bodyStart, @Nullable String head) {
  /** Characters of the body's start and end that go into its {@link #hash()}. */
  private static final int HASHED = 64;

  static TraceText split(String trace, String type, String message) {
    int nl = trace.indexOf('\n');
    int firstEnd = nl < 0 ? trace.length() : nl;
    int bodyStart = nl < 0 ? trace.length() : nl + 1;
    int end = firstEnd > 0 && trace.charAt(firstEnd - 1) == '\r' ? firstEnd - 1 : firstEnd;
    boolean usual = isUsualHead(trace, end, type, message);
    return new TraceText(trace, bodyStart, usual ? null : trace.substring(0, firstEnd));
  }

  private static boolean isUsualHead(String trace, int end, String type, String message) {
    if (!trace.startsWith(type)) {
      return false;
    }
    if (message.isEmpty()) {
      return end == type.length();
    }
    int colon = type.length();
    return end == colon + 2 + message.length()
        && trace.startsWith(": ", colon)
        && trace.startsWith(message, colon + 2);
  }

  static String join(@Nullable String head, String body, String type, String message) {
    String first = head != null ? head : message.isEmpty() ? type : type + ": " + message;
    return body.isEmpty() ? first : first + "\n" + body;
  }

  int bodyLength() {
    return trace.length() - bodyStart;
  }

  /** The body as a string of its own (to store it). */
  String body() {
    return trace.substring(bodyStart);
  }

  /** Whether the body is {@code other}. */
  boolean bodyEquals(String other) {
    return other.length() == bodyLength()
        && trace.regionMatches(bodyStart, other, 0, other.length());
  }

  /**
   * A 64-bit FNV-1a hash of the body's length, first and last {@value #HASHED} characters: cheap
   * for long traces, and equal bodies always hash alike (the lookup then compares them whole).
   */
  long hash() {
    long h = 0xcbf29ce484222325L ^ bodyLength();
    int end = trace.length();
    int headEnd = Math.min(end, bodyStart + HASHED);
    for (int i = bodyStart; i < headEnd; i++) {
      h = (h ^ trace.charAt(i)) * 0x100000001b3L;
    }
    for (int i = Math.max(headEnd, end - HASHED); i < end; i++) {
      h = (h ^ trace.charAt(i)) * 0x100000001b3L;
    }
    return h;
  }

  /** The chain of exception types as stored: one per line. */
  static String chain(List<String> types) {
    return String.join("\n", types);
  }
}
