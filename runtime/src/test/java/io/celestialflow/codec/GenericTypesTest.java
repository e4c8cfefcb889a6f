package io.celestialflow.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.reflect.TypeToken;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class GenericTypesTest {
  interface Fn<A, B> {}

  static class Direct implements Fn<Integer, List<String>> {}

  abstract static class Half<T> implements Fn<T, Map<String, T>> {}

  static class Full extends Half<Long> {}

  abstract static class Swap<X, Y> implements Fn<Y, X> {}

  static class Swapped extends Swap<String, Integer> {}

  static class Open<T> implements Fn<T, T> {}

  static class Strings extends ArrayList<String> {}

  private static Type type(TypeToken<?> token) {
    return token.getType();
  }

  @Test
  void readsTypeArgumentsThroughClassesAndInterfaces() {
    assertThat(GenericTypes.typeArguments(Direct.class, Fn.class))
        .containsExactly(Integer.class, type(new TypeToken<List<String>>() {}));
    assertThat(GenericTypes.typeArguments(Full.class, Fn.class))
        .containsExactly(Long.class, type(new TypeToken<Map<String, Long>>() {}));
    assertThat(GenericTypes.typeArguments(Swapped.class, Fn.class))
        .containsExactly(Integer.class, String.class);
    assertThat(GenericTypes.typeArguments(Strings.class, Iterable.class))
        .containsExactly(String.class);
    assertThat(GenericTypes.typeArguments(type(new TypeToken<List<Long>>() {}), Iterable.class))
        .containsExactly(Long.class);
    assertThat(GenericTypes.typeArguments(String.class, Fn.class)).isNull();
  }

  @Test
  void openVariablesStayVisible() {
    Type[] open = GenericTypes.typeArguments(Open.class, Fn.class);
    assertThat(open).hasSize(2);
    assertThat(open[0]).isInstanceOf(TypeVariable.class);
    assertThat(GenericTypes.findTypeVariable(open[0])).isNotNull();
    assertThat(GenericTypes.findTypeVariable(type(new TypeToken<List<String>>() {}))).isNull();
    assertThat(GenericTypes.rawType(type(new TypeToken<Map<String, Integer>>() {})))
        .isEqualTo(Map.class);
  }

  @Test
  void wildcardsReadAsTheirUpperBound() {
    Type[] args =
        GenericTypes.typeArguments(
            type(new TypeToken<Function<? super String, ? extends Number>>() {}), Function.class);
    assertThat(GenericTypes.readType(args[1])).isEqualTo(Number.class);
  }
}
