package io.celestialflow.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.reflect.TypeToken;
import io.celestialflow.RemoteTaskException;
import io.celestialflow.Routed;
import io.celestialflow.StageKind;
import io.celestialflow.TaskConsumer;
import io.celestialflow.TaskFunction;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The worker side's internals, without starting a JVM. */
class WorkerInternalsTest {

  @Test
  void framesCarryTheirLengthTypeAndBody() throws IOException {
    Wire.Frame frame = new Wire.Frame(16); // grows as needed
    frame.begin(Wire.TASKS).putLong(7).putInt(2);
    frame.putBytes("first".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    frame.putString("sécond");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    frame.writeTo(out);
    new Wire.Frame(16).begin(Wire.BYE).writeTo(out);

    DataInputStream in = new DataInputStream(new ByteArrayInputStream(out.toByteArray()));
    assertThat(Wire.readLength(in)).isEqualTo(frame.size() - 4);
    assertThat(in.readByte()).isEqualTo(Wire.TASKS);
    assertThat(in.readLong()).isEqualTo(7);
    assertThat(in.readInt()).isEqualTo(2);
    assertThat(Wire.readString(in)).isEqualTo("first");
    assertThat(Wire.readString(in)).isEqualTo("sécond");
    assertThat(Wire.readLength(in)).isEqualTo(1);
    assertThat(in.readByte()).isEqualTo(Wire.BYE);
    assertThat(Wire.readLength(in)).as("clean end of stream").isEqualTo(-1);
  }

  @Test
  void aScratchFrameAppendsAndTruncates() {
    Wire.Frame entry = new Wire.Frame(16);
    entry.truncate(0);
    entry.putByte(Wire.VALUE).putBytes(new byte[] {1, 2, 3});
    int mark = entry.size();
    entry.putInt(99);
    entry.truncate(mark);
    Wire.Frame results = new Wire.Frame(16).begin(Wire.RESULTS);
    results.append(entry);
    assertThat(results.size()).isEqualTo(5 + 1 + 4 + 3);
  }

  @Test
  void badLengthsAreRefused() {
    DataInputStream zero = new DataInputStream(new ByteArrayInputStream(new byte[] {0, 0, 0, 0}));
    assertThatThrownBy(() -> Wire.readLength(zero)).hasMessageContaining("invalid frame length");
    DataInputStream negative =
        new DataInputStream(new ByteArrayInputStream(new byte[] {-1, -1, -1, -1}));
    assertThatThrownBy(() -> Wire.readBytes(negative)).hasMessageContaining("invalid payload");
  }

  @Test
  void exceptionsTravelAsThemselvesWithTheirStackTraces() {
    IOException original = new IOException("disk full", new IllegalStateException("inner"));
    Throwable back = ThrowableTransfer.read(ThrowableTransfer.write(original), "test");
    assertThat(back).isInstanceOf(IOException.class).hasMessage("disk full");
    assertThat(back.getCause()).isInstanceOf(IllegalStateException.class).hasMessage("inner");
    assertThat(back.getStackTrace()).isEqualTo(original.getStackTrace());
  }

  /** Not serialisable: it holds a thread. */
  static final class HoldsAThread extends RuntimeException {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings({"serial", "unused"})
    private final Thread thread = Thread.currentThread();

    HoldsAThread(String message, Throwable cause) {
      super(message, cause);
    }
  }

  @Test
  void anUnserialisableExceptionArrivesAsAStandInChain() {
    HoldsAThread original =
        new HoldsAThread("bad", new UncheckedIOException(new IOException("io")));
    Throwable back = ThrowableTransfer.read(ThrowableTransfer.write(original), "test");
    assertThat(back).isInstanceOf(RemoteTaskException.class);
    RemoteTaskException r = (RemoteTaskException) back;
    assertThat(r.remoteType()).isEqualTo(HoldsAThread.class.getName());
    assertThat(r.getMessage()).isEqualTo(HoldsAThread.class.getName() + ": bad");
    assertThat(r.getStackTrace()).isEqualTo(original.getStackTrace());
    assertThat(r.getCause()).isInstanceOf(RemoteTaskException.class);
    assertThat(((RemoteTaskException) r.getCause()).remoteType())
        .isEqualTo(UncheckedIOException.class.getName());
  }

  @Test
  void unreadableBytesBecomeAStandInThatSaysWhy() {
    Throwable back = ThrowableTransfer.read(new byte[] {1, 2, 3}, "of stage 'x'");
    assertThat(back).isInstanceOf(RemoteTaskException.class);
    assertThat(back.getMessage()).contains("of stage 'x'").contains("could not be read");
  }

  @Test
  void theProgressFileIsSharedThroughItsMapping() throws IOException {
    ProgressFile parent = ProgressFile.create();
    try {
      ProgressFile worker = ProgressFile.open(parent.path());
      worker.delete(); // the mappings stay valid
      assertThat(parent.path()).doesNotExist();
      assertThat(parent.started()).isZero();
      worker.started(41);
      worker.finished(40);
      assertThat(parent.started()).isEqualTo(41);
      assertThat(parent.finished()).isEqualTo(40);
    } finally {
      parent.delete();
    }
  }

  static final class Split implements TaskFunction<String, List<Map<String, Integer>>> {
    @Override
    public List<Map<String, Integer>> apply(String s) {
      return List.of();
    }
  }

  static final class Route implements TaskFunction<Integer, Routed<List<String>>> {
    @Override
    public Routed<List<String>> apply(Integer x) {
      return Routed.drop(List.of());
    }
  }

  static final class Sink implements TaskConsumer<Long> {
    @Override
    public void accept(Long x) {}
  }

  @Test
  void stageTypesAreTheTaskTypeAndTheTypeOfEachEmittedValue() {
    assertThat(StageTypes.of(Split.class, StageKind.SPLITTER))
        .isEqualTo(
            new StageTypes(String.class, new TypeToken<Map<String, Integer>>() {}.getType()));
    assertThat(StageTypes.of(Split.class, StageKind.MAP).output())
        .isEqualTo(new TypeToken<List<Map<String, Integer>>>() {}.getType());
    assertThat(StageTypes.of(Route.class, StageKind.ROUTER))
        .isEqualTo(new StageTypes(Integer.class, new TypeToken<List<String>>() {}.getType()));
    assertThat(StageTypes.of(Sink.class, StageKind.CONSUMER))
        .isEqualTo(new StageTypes(Long.class, null));
    assertThatThrownBy(() -> StageTypes.of(Sink.class, StageKind.MAP))
        .hasMessageContaining("does not implement " + TaskFunction.class.getName());
    assertThatThrownBy(() -> StageTypes.of(Split.class, StageKind.ROUTER))
        .hasMessageContaining("must be a " + Routed.class.getName());
  }

  class Inner implements TaskFunction<Integer, Integer> {
    @Override
    public Integer apply(Integer x) {
      return x;
    }
  }

  static final class NoDefault implements TaskFunction<Integer, Integer> {
    NoDefault(int unused) {}

    @Override
    public Integer apply(Integer x) {
      return x;
    }
  }

  @Test
  void onlyClassesAnotherJvmCanRecreateAreAccepted() {
    assertThat(WorkerClasses.problem(Split.class)).isNull();
    assertThat(WorkerClasses.instantiate(Split.class)).isInstanceOf(Split.class);
    TaskFunction<Integer, Integer> lambda = x -> x;
    assertThat(WorkerClasses.problem(lambda.getClass())).contains("lambda");
    TaskFunction<Integer, Integer> anonymous =
        new TaskFunction<>() {
          @Override
          public Integer apply(Integer x) {
            return x;
          }
        };
    assertThat(WorkerClasses.problem(anonymous.getClass())).contains("anonymous");
    assertThat(WorkerClasses.problem(Inner.class)).contains("inner class");
    assertThat(WorkerClasses.problem(NoDefault.class)).contains("no no-argument constructor");
    assertThat(WorkerClasses.problem(TaskFunction.class)).contains("abstract");
    assertThatThrownBy(() -> WorkerClasses.load("no.such.Type", Object.class))
        .hasMessageContaining("not on this worker's class path");
    assertThatThrownBy(() -> WorkerClasses.load(String.class.getName(), TaskFunction.class))
        .hasMessageContaining("is not a " + TaskFunction.class.getName());
  }
}
