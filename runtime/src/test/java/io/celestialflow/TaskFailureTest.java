package io.celestialflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link TaskFailure#traceKey()}: equal keys for equal traces, without rendering them. */
@Timeout(30)
class TaskFailureTest {
  private static RuntimeException thrownAt(int place, String message) {
    try {
      switch (place) {
        case 0 -> throw new IllegalStateException(message);
        case 1 -> throw new IllegalStateException(message);
        default -> throw new UncheckedIOException(message, new IOException("disk " + message));
      }
    } catch (RuntimeException e) {
      return e;
    }
  }

  private static TaskFailure failure(Throwable e) {
    return TaskFailure.of("stage", 1, 0, e, 1);
  }

  private static String body(String trace) {
    return trace.substring(trace.indexOf('\n') + 1);
  }

  @Test
  void sameThrowSiteSameKeyWhateverTheMessage() {
    List<TaskFailure> a = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      a.add(failure(thrownAt(0, "boom " + i)));
    }
    assertThat(a.get(0).traceKey()).isEqualTo(a.get(1).traceKey()).isEqualTo(a.get(2).traceKey());
    assertThat(body(a.get(0).stackTrace())).isEqualTo(body(a.get(2).stackTrace()));
  }

  @Test
  void differentThrowSitesDiffer() {
    assertThat(failure(thrownAt(0, "x")).traceKey())
        .isNotEqualTo(failure(thrownAt(1, "x")).traceKey());
  }

  @Test
  void causesMessagesArePartOfTheKey() {
    // The cause's line ("Caused by: java.io.IOException: disk a") is in the body.
    List<TaskFailure> made = new ArrayList<>();
    for (String m : List.of("a", "b", "a")) {
      made.add(failure(thrownAt(2, m))); // one call site: the frames are the same
    }
    TaskFailure a = made.get(0);
    TaskFailure b = made.get(1);
    TaskFailure a2 = made.get(2);
    assertThat(a.traceKey()).isNotEqualTo(b.traceKey()).isEqualTo(a2.traceKey());
    assertThat(body(a.stackTrace())).isNotEqualTo(body(b.stackTrace()));
  }

  @Test
  void anUnusualFirstLineIsPartOfTheKey() {
    class Odd extends RuntimeException {
      Odd(String m) {
        super(m);
      }

      @Override
      public String toString() {
        return "odd " + getMessage();
      }
    }
    List<Throwable> odd = new ArrayList<>();
    for (String m : List.of("a", "b")) {
      try {
        throw new Odd(m);
      } catch (Odd e) {
        odd.add(e);
      }
    }
    assertThat(failure(odd.get(0)).traceKey()).isNotEqualTo(failure(odd.get(1)).traceKey());
  }

  @Test
  void keyIsStableAndNeverZeroAndDoesNotRenderTheTrace() {
    TaskFailure f = failure(thrownAt(0, "m"));
    long key = f.traceKey();
    assertThat(key).isNotZero().isEqualTo(f.traceKey());
    f.stackTrace();
    assertThat(f.traceKey()).isEqualTo(key);
  }

  @Test
  void renderedTracesKeyTheirBody() {
    String body = "\tat a.B.c(B.java:1)\n\tat a.B.d(B.java:2)\n";
    TaskFailure one = rendered("boom 1", "java.lang.IllegalStateException: boom 1\n" + body);
    TaskFailure two = rendered("boom 2", "java.lang.IllegalStateException: boom 2\n" + body);
    TaskFailure other = rendered("boom 1", "java.lang.IllegalStateException: boom 1\n\tat x\n");
    TaskFailure odd = rendered("boom 1", "odd head\n" + body);
    assertThat(one.traceKey()).isEqualTo(two.traceKey()).isNotEqualTo(other.traceKey());
    assertThat(odd.traceKey()).isNotEqualTo(one.traceKey());
  }

  private static TaskFailure rendered(String message, String trace) {
    return TaskFailure.of(
        "stage",
        1,
        0,
        List.of("java.lang.IllegalStateException", "java.lang.RuntimeException"),
        message,
        trace,
        1,
        Instant.EPOCH);
  }
}
