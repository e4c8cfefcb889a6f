package io.celestialflow.launch;

import io.celestialflow.spi.LaunchOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed command line: every option given, with its values in order. Options are those of the
 * launcher and of the launcher extensions on the class path; an option that only a module not on
 * the class path understands is named with that module.
 */
final class CommandLine {
  /** Options of modules that may be missing, and the artifact that brings each. */
  private static final Map<String, String> MODULE_OPTIONS =
      Map.ofEntries(
          Map.entry("--dashboard", "celestialflow-dashboard"),
          Map.entry("--keep-dashboard", "celestialflow-dashboard"),
          Map.entry("--store", "celestialflow-store"),
          Map.entry("--resume", "celestialflow-store"),
          Map.entry("--retry-failed", "celestialflow-store"),
          Map.entry("--retry-stage", "celestialflow-store"),
          Map.entry("--retry-error", "celestialflow-store"),
          Map.entry("--run", "celestialflow-store"),
          Map.entry("--lineage", "celestialflow-store"),
          Map.entry("--worker", "celestialflow-redis"),
          Map.entry("--redis", "celestialflow-redis"),
          Map.entry("--metrics", "celestialflow-micrometer"));

  private final Map<String, List<String>> values;

  private CommandLine(Map<String, List<String>> values) {
    this.values = values;
  }

  /**
   * Parses {@code args} against the known options.
   *
   * @throws IllegalArgumentException with a message for the user, on any mistake
   */
  static CommandLine parse(List<String> args, Map<String, LaunchOption> known) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String name = arg;
      String inline = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 2) {
        name = arg.substring(0, eq);
        inline = arg.substring(eq + 1);
      }
      if (name.equals("-h")) {
        name = "--help";
      }
      LaunchOption option = known.get(name);
      if (option == null) {
        String module = MODULE_OPTIONS.get(name);
        throw new IllegalArgumentException(
            module == null
                ? "unknown option '" + arg + "'"
                : "option "
                    + name
                    + " needs the "
                    + module
                    + " module on the class path (add the io.celestialflow:"
                    + module
                    + " dependency)");
      }
      String value =
          switch (option.value()) {
            case NONE -> {
              if (inline != null) {
                throw new IllegalArgumentException(name + " takes no value");
              }
              yield "";
            }
            case OPTIONAL -> inline == null ? "" : inline;
            case REQUIRED -> {
              if (inline != null) {
                yield inline;
              }
              if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(
                    name + " needs a value: " + name + " " + option.valueName());
              }
              yield args.get(++i);
            }
          };
      values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return new CommandLine(values);
  }

  boolean has(String option) {
    return values.containsKey(option);
  }

  Optional<String> value(String option) {
    List<String> all = values.getOrDefault(option, List.of());
    return all.isEmpty() || all.getLast().isEmpty() ? Optional.empty() : Optional.of(all.getLast());
  }

  List<String> values(String option) {
    return List.copyOf(values.getOrDefault(option, List.of()));
  }

  /** Whether any of the given options was given. */
  boolean hasAny(List<LaunchOption> options) {
    for (LaunchOption o : options) {
      if (has(o.name())) {
        return true;
      }
    }
    return false;
  }
}
