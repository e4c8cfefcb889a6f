package io.celestialflow.processor;

import static com.google.common.truth.Truth.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SuggestionsTest {
  private static final List<String> STAGES = List.of("download", "parse", "links", "index");

  @Test
  void typosFindTheIntendedName() {
    assertThat(Suggestions.closest("downlaod", STAGES)).hasValue("download");
    assertThat(Suggestions.closest("pars", STAGES)).hasValue("parse");
    assertThat(Suggestions.closest("Index", STAGES)).hasValue("index");
  }

  @Test
  void namesFarFromEveryStageSuggestNothing() {
    assertThat(Suggestions.closest("store", STAGES)).isEmpty();
    assertThat(Suggestions.closest("x", STAGES)).isEmpty();
  }

  @Test
  void aSwapOfTwoLettersIsOneEdit() {
    assertThat(Suggestions.distance("rigth", "right")).isEqualTo(1);
    assertThat(Suggestions.distance("kitten", "sitting")).isEqualTo(3);
  }
}
