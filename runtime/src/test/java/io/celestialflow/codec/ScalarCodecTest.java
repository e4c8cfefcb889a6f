package io.celestialflow.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.GsonBuilder;
import com.google.gson.LongSerializationPolicy;
import com.google.gson.reflect.TypeToken;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The scalar fast path writes and reads exactly what Gson's own path does. */
class ScalarCodecTest {
  private static final GsonCodecFactory CODECS = new GsonCodecFactory();

  /** Gson's own path for a type: the codec the fast path falls back to. */
  private static <T> TaskCodec<T> gsonPath(Type type) {
    TaskCodec<T> codec = CODECS.codec(type);
    return ((ScalarCodec<T>) codec).fallback();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void integersBooleansAndStringsTakeTheFastPathAndOthersDoNot() {
    for (Type t :
        List.<Type>of(
            Long.class,
            Integer.class,
            Short.class,
            Byte.class,
            Boolean.class,
            long.class,
            int.class)) {
      assertThat(CODECS.codec(t)).as(t.getTypeName()).isInstanceOf(ScalarCodec.class);
    }
    assertThat(CODECS.codec(String.class)).isInstanceOf(ScalarCodec.class);
    // Gson's default escapes HTML: its strings keep its own path.
    assertThat(new GsonCodecFactory(new com.google.gson.Gson()).codec(String.class))
        .isNotInstanceOf(ScalarCodec.class);
    for (Type t : List.<Type>of(Double.class, new TypeToken<List<Long>>() {}.getType())) {
      assertThat(CODECS.codec(t)).as(t.getTypeName()).isNotInstanceOf(ScalarCodec.class);
    }
    // A Gson that writes longs as strings keeps its own path, and its encoding.
    GsonCodecFactory strings =
        new GsonCodecFactory(
            new GsonBuilder().setLongSerializationPolicy(LongSerializationPolicy.STRING).create());
    TaskCodec<Long> quoted = strings.codec(Long.class);
    assertThat(quoted).isNotInstanceOf(ScalarCodec.class);
    assertThat(new String(quoted.encode(5L), StandardCharsets.UTF_8)).isEqualTo("\"5\"");
  }

  @Test
  void encodingsAreByteForByteGsonsAndDecodingAgrees() {
    Random random = new Random(7);
    List<Long> longs =
        new ArrayList<>(
            List.of(
                0L, 1L, -1L, 9L, 10L, Long.MAX_VALUE, Long.MIN_VALUE, 999_999_999_999_999_999L));
    for (int i = 0; i < 2000; i++) {
      longs.add(random.nextLong() >> random.nextInt(64));
    }
    TaskCodec<Long> fast = CODECS.codec(Long.class);
    TaskCodec<Long> gson = gsonPath(Long.class);
    for (long v : longs) {
      byte[] encoded = fast.encode(v);
      assertThat(encoded).isEqualTo(gson.encode(v));
      assertThat(fast.decode(encoded)).isEqualTo(v).isEqualTo(gson.decode(encoded));
    }
    TaskCodec<Integer> ints = CODECS.codec(Integer.class);
    TaskCodec<Integer> gsonInts = gsonPath(Integer.class);
    for (int v : new int[] {0, -7, Integer.MAX_VALUE, Integer.MIN_VALUE, 123_456}) {
      assertThat(ints.encode(v)).isEqualTo(gsonInts.encode(v));
      assertThat(ints.decode(ints.encode(v))).isEqualTo(v);
    }
    TaskCodec<Boolean> bools = CODECS.codec(Boolean.class);
    assertThat(bools.encode(true)).isEqualTo(gsonPath(Boolean.class).encode(true));
    assertThat(bools.decode(utf8("false"))).isFalse();
  }

  @Test
  void whatIsNotCanonicalIsReadByGsonWithItsAnswerOrItsError() {
    TaskCodec<Long> fast = CODECS.codec(Long.class);
    TaskCodec<Long> gson = gsonPath(Long.class);
    // Gson's answers, quirks included: it reads 2^63 as Long.MAX_VALUE (through a double).
    for (String accepted :
        List.of("\"12\"", " 12", "1e2", "-0", "12.0", "007", "9223372036854775808")) {
      assertThat(fast.decode(utf8(accepted))).as(accepted).isEqualTo(gson.decode(utf8(accepted)));
    }
    for (String rejected : List.of("", "-", "1.5", "12x", "null", "[1]")) {
      assertThatThrownBy(() -> fast.decode(utf8(rejected)))
          .as(rejected)
          .isInstanceOf(CodecException.class);
      assertThatThrownBy(() -> gson.decode(utf8(rejected))).isInstanceOf(CodecException.class);
    }
    TaskCodec<Integer> ints = CODECS.codec(Integer.class);
    assertThatThrownBy(() -> ints.decode(utf8("2147483648"))).isInstanceOf(CodecException.class);
    TaskCodec<Byte> bytes = CODECS.codec(Byte.class);
    // Gson reads 128..255 into a byte as unsigned: so does the fast path, by asking it.
    assertThat(bytes.decode(utf8("255"))).isEqualTo(gsonPath(Byte.class).decode(utf8("255")));
    assertThatThrownBy(() -> bytes.decode(utf8("256"))).isInstanceOf(CodecException.class);
    assertThat(bytes.decode(utf8("-128"))).isEqualTo((byte) -128);
    assertThat(CODECS.codec(Boolean.class).decode(utf8("\"true\"")))
        .isEqualTo(gsonPath(Boolean.class).decode(utf8("\"true\"")));
  }

  @Test
  void stringsAreByteForByteGsonsWhateverTheyHoldAndEscapedFormsAreReadByGson() {
    String alphabet = "ab Z09éü中\"\\\n\t\u0001\u001f\u2028\u2029<>&='/\uD83D\uDE00";
    Random random = new Random(11);
    List<String> strings = new ArrayList<>(List.of("", "plain", "\uD83D", "a\uDE00b", "\u007f"));
    for (int i = 0; i < 3000; i++) {
      StringBuilder b = new StringBuilder();
      for (int n = random.nextInt(12); n > 0; n--) {
        b.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      strings.add(b.toString());
    }
    TaskCodec<String> fast = CODECS.codec(String.class);
    TaskCodec<String> gson = gsonPath(String.class);
    for (String v : strings) {
      byte[] encoded = fast.encode(v);
      assertThat(encoded).as(v).isEqualTo(gson.encode(v));
      assertThat(fast.decode(encoded)).as(v).isEqualTo(gson.decode(encoded));
    }
    for (String text :
        List.of("\"a\\nb\"", "\"\\u00e9\"", " \"x\"", "\"x\" ", "\"caf\u00c3\u00a9\"")) {
      assertThat(fast.decode(utf8(text))).as(text).isEqualTo(gson.decode(utf8(text)));
    }
    // Gson's answer or Gson's error, whichever it gives (it reads a bare word as a string).
    for (String other : List.of("\"", "\"a", "\"a\"b\"", "x", "12", "\"a\u0001\"")) {
      String viaGson;
      try {
        viaGson = gson.decode(utf8(other));
      } catch (CodecException e) {
        assertThatThrownBy(() -> fast.decode(utf8(other)))
            .as(other)
            .isInstanceOf(CodecException.class)
            .hasMessage(e.getMessage());
        continue;
      }
      assertThat(fast.decode(utf8(other))).as(other).isEqualTo(viaGson);
    }
  }
}
