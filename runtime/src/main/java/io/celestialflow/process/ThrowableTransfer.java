package io.celestialflow.process;

import io.celestialflow.RemoteTaskException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.jspecify.annotations.Nullable;

/**
 * Moves a task's exception from a worker JVM to its parent.
 *
 * <p>The exception is serialised with Java serialisation, so it arrives as itself — class, message,
 * stack trace, causes — and retry policies match it as in any other mode. One that cannot be
 * serialised is replaced by a chain of {@link RemoteTaskException}s with the same class names,
 * messages and stack traces. Reading is limited by a filter (depth, references, size); the bytes
 * come only from a worker this JVM started, over a connection authenticated with a secret token.
 */
final class ThrowableTransfer {
  private static final ObjectInputFilter LIMITS =
      ObjectInputFilter.Config.createFilter("maxdepth=64;maxrefs=100000;maxarray=1000000");

  private ThrowableTransfer() {}

  /**
   * Serialises an exception, or a stand-in for it.
   *
   * @param error the exception
   * @return the bytes
   */
  static byte[] write(Throwable error) {
    try {
      return serialise(error);
    } catch (IOException | RuntimeException | StackOverflowError e) {
      try {
        return serialise(standIn(error, 0));
      } catch (IOException | RuntimeException | StackOverflowError e2) {
        throw new IllegalStateException("cannot serialise a stand-in exception", e2);
      }
    }
  }

  private static byte[] serialise(Throwable error) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(error);
    }
    return bytes.toByteArray();
  }

  private static RemoteTaskException standIn(Throwable error, int depth) {
    Throwable cause = error.getCause();
    RemoteTaskException r =
        new RemoteTaskException(
            error.getClass().getName(),
            error.getMessage(),
            cause == null || cause == error || depth > 16 ? null : standIn(cause, depth + 1));
    r.setStackTrace(error.getStackTrace());
    return r;
  }

  /**
   * Reads an exception written by {@link #write}.
   *
   * @param data the bytes
   * @param context a few words on where it came from, for the message of a stand-in if the bytes
   *     cannot be read
   * @return the exception, or a {@link RemoteTaskException} saying why it could not be read
   */
  static Throwable read(byte[] data, String context) {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(data))) {
      in.setObjectInputFilter(LIMITS);
      Object o = in.readObject();
      if (o instanceof Throwable t) {
        return t;
      }
      return unreadable(context, "not an exception: " + typeOf(o), null);
    } catch (IOException | ClassNotFoundException | RuntimeException e) {
      return unreadable(context, e.toString(), e);
    }
  }

  private static String typeOf(@Nullable Object o) {
    return o == null ? "null" : o.getClass().getName();
  }

  private static Throwable unreadable(String context, String why, @Nullable Throwable cause) {
    return new RemoteTaskException(
        "unknown", "the exception of a task " + context + " could not be read: " + why, cause);
  }
}
