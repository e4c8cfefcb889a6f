package io.celestialflow.spi;

import java.util.Objects;

/**
 * One command-line option a {@link LauncherExtension} adds to the generated runners.
 *
 * @param name the option, with its leading dashes, e.g. {@code --dashboard}
 * @param value whether it takes a value ({@code --store DIR} or {@code --store=DIR})
 * @param valueName how the usage names the value, e.g. {@code DIR}; empty when it takes none
 * @param help one line for {@code --help}
 */
public record LaunchOption(String name, Value value, String valueName, String help) {
  /** Whether an option takes a value. */
  public enum Value {
    /** A flag: {@code --keep-dashboard}. */
    NONE,
    /** A required value: {@code --store DIR} or {@code --store=DIR}. */
    REQUIRED,
    /** An optional value, given only as {@code --dashboard=PORT}. */
    OPTIONAL
  }

  /**
   * Checks the fields.
   *
   * @param name the option, starting with {@code --}
   * @param value whether it takes a value
   * @param valueName how the usage names the value
   * @param help one line for {@code --help}
   */
  public LaunchOption {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(valueName, "valueName");
    Objects.requireNonNull(help, "help");
    if (!name.startsWith("--") || name.length() < 3 || name.contains("=")) {
      throw new IllegalArgumentException("an option looks like --name, not '" + name + "'");
    }
  }

  /**
   * A flag without a value.
   *
   * @param name the option
   * @param help one line for {@code --help}
   * @return the option
   */
  public static LaunchOption flag(String name, String help) {
    return new LaunchOption(name, Value.NONE, "", help);
  }

  /**
   * An option with a required value.
   *
   * @param name the option
   * @param valueName how the usage names the value
   * @param help one line for {@code --help}
   * @return the option
   */
  public static LaunchOption withValue(String name, String valueName, String help) {
    return new LaunchOption(name, Value.REQUIRED, valueName, help);
  }

  /**
   * An option whose value may be left out ({@code --dashboard} or {@code --dashboard=PORT}).
   *
   * @param name the option
   * @param valueName how the usage names the value
   * @param help one line for {@code --help}
   * @return the option
   */
  public static LaunchOption withOptionalValue(String name, String valueName, String help) {
    return new LaunchOption(name, Value.OPTIONAL, valueName, help);
  }
}
