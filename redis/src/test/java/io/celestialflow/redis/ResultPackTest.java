package io.celestialflow.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading packed results (docs/protocol.md section 3.5) on the fast and the checking path. */
class ResultPackTest {
  private static final String A =
      "{\"v\":1,\"kind\":\"result\",\"id\":\"a\",\"graph\":\"g\",\"stage\":\"s\",\"run\":\"r\","
          + "\"status\":\"ok\",\"value\":{\"x\":[1,2]},\"worker\":\"w\",\"delivery\":1,"
          + "\"started\":1,\"finished\":2}";
  // Braces, brackets, commas and an escaped quote inside strings do not split the pack.
  private static final String B =
      "{\"v\":1,\"kind\":\"result\",\"id\":\"b\",\"graph\":\"g\",\"stage\":\"s\",\"run\":\"r\","
          + "\"status\":\"ok\",\"value\":\"},{\\\"],[\",\"worker\":\"w\",\"delivery\":1,"
          + "\"started\":1,\"finished\":2}";

  @Test
  void aPackAsTheCommitScriptWritesItSplitsIntoItsResults() throws Exception {
    assertThat(ResultPack.unpack(ResultPack.HEAD + A + "," + B + "]}")).containsExactly(A, B);
    assertThat(ResultPack.unpack(ResultPack.HEAD + B + "]}")).containsExactly(B);
  }

  @Test
  void aPackWrittenOtherwiseIsReadByTheCheckingPath() throws Exception {
    List<String> got =
        ResultPack.unpack(
            "{\"results\": [ " + A + " , " + B + " ], \"kind\":\"results\", \"v\":1}");
    assertThat(got).hasSize(2);
    // The checking path writes each result again; it reads as the same message.
    assertThat(Wire.readResult(java.util.Map.of("m", got.get(0)), "g", "s"))
        .isEqualTo(Wire.readResult(java.util.Map.of("m", A), "g", "s"));
    assertThat(Wire.readResult(java.util.Map.of("m", got.get(1)), "g", "s").value().getAsString())
        .isEqualTo("},{\"],[");
  }

  @Test
  void aSingleResultIsNotAPack() throws Exception {
    assertThat(ResultPack.unpack(A)).isNull();
    assertThat(ResultPack.unpack(null)).isNull();
    // Even when a value mentions the member's name.
    assertThat(ResultPack.unpack(A.replace("{\"x\":[1,2]}", "\"\\\"results\\\"\""))).isNull();
  }

  @Test
  void aMalformedPackIsRejectedWithItsReason() throws Exception {
    assertThatThrownBy(() -> ResultPack.unpack("{\"v\":1,\"kind\":\"results\",\"results\":[]}"))
        .isInstanceOf(Wire.Rejection.class)
        .hasMessageContaining("bad_field")
        .hasMessageContaining("non-empty array");
    assertThatThrownBy(() -> ResultPack.unpack(ResultPack.HEAD + A + ",42]}"))
        .isInstanceOf(Wire.Rejection.class)
        .hasMessageContaining("result objects");
    // Bad JSON is not a pack: the single-result reader refuses it with its code.
    String cut = ResultPack.HEAD + A + "]";
    assertThat(ResultPack.unpack(cut)).isNull();
    assertThatThrownBy(() -> Wire.readResult(java.util.Map.of("m", cut), "g", "s"))
        .hasMessageContaining("bad_json");
    // A pack of a later version is for the single-result reader to refuse, with its code.
    String v2 = "{\"v\":2,\"kind\":\"results\",\"results\":[" + A + "]}";
    assertThat(ResultPack.unpack(v2)).isNull();
    assertThatThrownBy(() -> Wire.readResult(java.util.Map.of("m", v2), "g", "s"))
        .hasMessageContaining("unsupported_version");
  }
}
