package io.celestialflow.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.GsonBuilder;
import com.google.gson.reflect.TypeToken;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GsonCodecFactoryTest {
  record Point(int x, int y) {}

  record Named<T>(String name, T value) {}

  enum Color {
    RED,
    GREEN
  }

  interface Shape {}

  abstract static class Base {}

  private final CodecFactory codecs = new GsonCodecFactory();

  private <T> T roundTrip(Type type, T value) {
    TaskCodec<T> codec = codecs.codec(type);
    assertThat(codec.type()).isEqualTo(type);
    return codec.decode(codec.encode(value));
  }

  @Test
  void valuesComeBackAsTheExactTypes() {
    assertThat(roundTrip(Integer.class, 42)).isEqualTo(42);
    assertThat(roundTrip(Long.class, Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
    assertThat(roundTrip(String.class, "héllo <&> \"x\"")).isEqualTo("héllo <&> \"x\"");
    assertThat(roundTrip(Color.class, Color.GREEN)).isEqualTo(Color.GREEN);
    assertThat(roundTrip(Point.class, new Point(1, -2))).isEqualTo(new Point(1, -2));
    Type named = new TypeToken<Named<List<Point>>>() {}.getType();
    Named<List<Point>> n = new Named<>("pts", List.of(new Point(1, 2), new Point(3, 4)));
    Named<List<Point>> back = roundTrip(named, n);
    assertThat(back).isEqualTo(n);
    assertThat(back.value().getFirst()).isInstanceOf(Point.class);
    Type map = new TypeToken<Map<String, List<Long>>>() {}.getType();
    Map<String, List<Long>> m = Map.of("a", List.of(1L, 2L), "b", List.of());
    Map<String, List<Long>> mb = roundTrip(map, m);
    assertThat(mb).isEqualTo(m);
    assertThat(mb.get("a").getFirst()).isInstanceOf(Long.class);
    assertThat(roundTrip(int[].class, new int[] {1, 2, 3})).containsExactly(1, 2, 3);
  }

  @Test
  void encodingIsCompactUtf8Json() {
    TaskCodec<Point> codec = codecs.codec(Point.class);
    assertThat(new String(codec.encode(new Point(1, 2)), StandardCharsets.UTF_8))
        .isEqualTo("{\"x\":1,\"y\":2}");
    byte[] padded = "xx{\"x\":5,\"y\":6}yy".getBytes(StandardCharsets.UTF_8);
    assertThat(codec.decode(padded, 2, padded.length - 4)).isEqualTo(new Point(5, 6));
  }

  @Test
  void typesThatCannotRoundTripAreRefusedUpFront() {
    assertThatThrownBy(() -> codecs.codec(Object.class))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("java.lang.Object")
        .hasMessageContaining("which class to decode into");
    assertThatThrownBy(() -> codecs.codec(Shape.class))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining(Shape.class.getName())
        .hasMessageContaining("it is an interface");
    assertThatThrownBy(() -> codecs.codec(Base.class))
        .hasMessageContaining("it is an abstract class");
    Type open = Named.class.getTypeParameters()[0];
    assertThatThrownBy(() -> codecs.codec(open))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("type variable T");
    assertThatThrownBy(() -> codecs.codec(Thread.class))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("java.lang.Thread")
        .hasMessageContaining("Gson cannot handle this type");
    // Interfaces Gson knows how to build are fine.
    assertThat(codecs.<List<Point>>codec(new TypeToken<List<Point>>() {}.getType())).isNotNull();
  }

  @Test
  void valuesThatCannotBeWrittenOrReadFailWithTypeAndReason() {
    TaskCodec<Double> doubles = codecs.codec(Double.class);
    assertThatThrownBy(() -> doubles.encode(Double.NaN))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("java.lang.Double")
        .hasMessageContaining("NaN");
    TaskCodec<List<Object>> lists = codecs.codec(new TypeToken<List<Object>>() {}.getType());
    List<Object> cycle = new ArrayList<>();
    cycle.add(cycle);
    assertThatThrownBy(() -> lists.encode(cycle))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("cycle");
    TaskCodec<Point> points = codecs.codec(Point.class);
    assertThatThrownBy(() -> points.decode("null".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("JSON null");
    assertThatThrownBy(() -> points.decode("{\"x\":1} 2".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("unexpected data");
    assertThatThrownBy(() -> points.decode("{\"x\":\"one\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining(Point.class.getName());
  }

  @Test
  void forStageNamesTheStageAndTheRole() {
    CodecException e = new CodecException(Double.class, "NaN is not JSON", null);
    assertThat(e.stage()).isNull();
    CodecException s = e.forStage("inverse", "send a result from the worker process");
    assertThat(s.stage()).isEqualTo("inverse");
    assertThat(s.typeName()).isEqualTo("java.lang.Double");
    assertThat(s.reason()).isEqualTo("NaN is not JSON");
    assertThat(s.getMessage())
        .isEqualTo(
            "stage 'inverse': cannot send a result from the worker process (type"
                + " java.lang.Double): NaN is not JSON");
    assertThat(s.getCause()).isSameAs(e);
  }

  /** A configured factory, as users write one: special floating-point values allowed. */
  public static final class LenientDoubles extends GsonCodecFactory {
    public LenientDoubles() {
      super(new GsonBuilder().serializeSpecialFloatingPointValues().create());
    }
  }

  @Test
  void aSubclassConfiguresGson() {
    TaskCodec<Double> doubles = new LenientDoubles().codec(Double.class);
    assertThat(doubles.decode(doubles.encode(Double.POSITIVE_INFINITY)))
        .isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(new LenientDoubles().gson()).isNotNull();
  }
}
