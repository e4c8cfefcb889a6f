package io.celestialflow.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading packed results (docs/protocol.md section 3.5) on the fast and the checking path. */
class ResultPackTest {
  private static final String A =
      "{\"v\":1,\"kind\":\"result\",\"id\":\"a\",\"graph\":\"g\",\"stage\":\"s\",\"run\":\"r\","
          + "\"status\":\"ok\",\"value\":{\"x\":[1,2]},\"worker\":\"w\",\"delivery\":1,"
          + "\"started\":1,\"finished\":2}";
  // Braces, brackets, commas and an escaped quote inside a string: the fast path declines the
  // escape, and the pack is still split right around it.
  private static final String B =
      "{\"v\":1,\"kind\":\"result\",\"id\":\"b\",\"graph\":\"g\",\"stage\":\"s\",\"run\":\"r\","
          + "\"status\":\"ok\",\"value\":\"},{\\\"],[\",\"worker\":\"w\",\"delivery\":1,"
          + "\"started\":1,\"finished\":2}";
  // An error result: the fast path leaves it to the checking reader.
  private static final String C =
      "{\"v\":1,\"kind\":\"result\",\"id\":\"c\",\"graph\":\"g\",\"stage\":\"s\",\"run\":\"r\","
          + "\"status\":\"error\",\"error\":{\"type\":\"x.Y\"},\"worker\":\"w\",\"delivery\":1,"
          + "\"started\":1,\"finished\":2}";

  /** The results of a pack, each read the way the graph's reader reads it. */
  private static List<Wire.Result> read(String m) throws Exception {
    List<?> pack = ResultPack.unpack(m, "g", "s");
    assertThat(pack).isNotNull();
    List<Wire.Result> out = new ArrayList<>();
    for (Object o : pack) {
      out.add(o instanceof Wire.Result r ? r : Wire.readResult(Map.of("m", (String) o), "g", "s"));
    }
    return out;
  }

  private static Wire.Result single(String m) throws Exception {
    return Wire.readResult(Map.of("m", m), "g", "s");
  }

  @Test
  void aPackAsTheWorkerWritesItIsReadInOnePass() throws Exception {
    List<?> pack = ResultPack.unpack(ResultPack.HEAD + A + "," + B + "," + C + "]}", "g", "s");
    assertThat(pack).hasSize(3);
    assertThat(pack.get(0)).isEqualTo(single(A)); // read on the fast path
    assertThat(pack.get(1)).isEqualTo(B); // declined: its text, for the checking reader
    assertThat(pack.get(2)).isEqualTo(C);
    assertThat(read(ResultPack.HEAD + B + "]}")).containsExactly(single(B));
  }

  @Test
  void aPackWrittenOtherwiseIsReadByTheCheckingPath() throws Exception {
    String spaced = "{\"results\": [ " + A + " , " + B + " ], \"kind\":\"results\", \"v\":1}";
    assertThat(read(spaced)).containsExactly(single(A), single(B));
    // The script's head, then something else: the checking path too.
    assertThat(read(ResultPack.HEAD + A + " ] , \"x\": 1 }")).containsExactly(single(A));
    assertThat(single(B).value().getAsString()).isEqualTo("},{\"],[");
  }

  @Test
  void aSingleResultIsNotAPack() throws Exception {
    assertThat(ResultPack.unpack(A, "g", "s")).isNull();
    assertThat(ResultPack.unpack(null, "g", "s")).isNull();
    // Even when a value mentions the member's name.
    assertThat(ResultPack.unpack(A.replace("{\"x\":[1,2]}", "\"\\\"results\\\"\""), "g", "s"))
        .isNull();
  }

  @Test
  void aMalformedPackIsRejectedWithItsReason() throws Exception {
    assertThatThrownBy(
            () -> ResultPack.unpack("{\"v\":1,\"kind\":\"results\",\"results\":[]}", "g", "s"))
        .isInstanceOf(Wire.Rejection.class)
        .hasMessageContaining("bad_field")
        .hasMessageContaining("non-empty array");
    assertThatThrownBy(() -> ResultPack.unpack(ResultPack.HEAD + A + ",42]}", "g", "s"))
        .isInstanceOf(Wire.Rejection.class)
        .hasMessageContaining("result objects");
    // Bad JSON is not a pack: the single-result reader refuses it with its code.
    String cut = ResultPack.HEAD + A + "]";
    assertThat(ResultPack.unpack(cut, "g", "s")).isNull();
    assertThatThrownBy(() -> single(cut)).hasMessageContaining("bad_json");
    // A pack of a later version is for the single-result reader to refuse, with its code.
    String v2 = "{\"v\":2,\"kind\":\"results\",\"results\":[" + A + "]}";
    assertThat(ResultPack.unpack(v2, "g", "s")).isNull();
    assertThatThrownBy(() -> single(v2)).hasMessageContaining("unsupported_version");
  }
}
