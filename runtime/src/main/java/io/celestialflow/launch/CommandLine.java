package io.celestialflow.launch;

import io.celestialflow.spi.LaunchOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * A parsed command line: every option given, with its values in order, and the arguments that are
 * not options (a command and its arguments). Options are those of the launcher and of the launcher
 * extensions on the class path; an option or command that only a module not on the class path
 * understands is named with that module.
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
          Map.entry("--stage", "celestialflow-store"),
          Map.entry("--error", "celestialflow-store"),
          Map.entry("--by", "celestialflow-store"),
          Map.entry("--json", "celestialflow-store"),
          Map.entry("--worker", "celestialflow-redis"),
          Map.entry("--redis", "celestialflow-redis"),
          Map.entry("--metrics", "celestialflow-micrometer"));

  /** Commands of modules that may be missing, and the artifact that brings each. */
  private static final Map<String, String> MODULE_COMMANDS =
      Map.of(
          "resume", "celestialflow-store",
          "retry-failed", "celestialflow-store",
          "failures", "celestialflow-store",
          "trace", "celestialflow-store",
          "runs", "celestialflow-store");

  private final Map<String, List<String>> values;
  private final List<String> arguments;

  private CommandLine(Map<String, List<String>> values, List<String> arguments) {
    this.values = values;
    this.arguments = arguments;
  }

  /**
   * Parses {@code args} against the known options and commands. An argument that does not start
   * with {@code -} (and is not an option's value) is a command or one of its arguments.
   *
   * @throws IllegalArgumentException with a message for the user, on any mistake
   */
  static CommandLine parse(
      List<String> args, Map<String, LaunchOption> known, Set<String> commands) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    List<String> arguments = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("-") || arg.equals("-")) {
        if (arguments.isEmpty() && !commands.contains(arg)) {
          @Nullable LaunchOption before = i == 0 ? null : known.get(args.get(i - 1));
          if (before != null && before.value() == LaunchOption.Value.OPTIONAL) {
            throw new IllegalArgumentException(
                "unknown command '"
                    + arg
                    + "'; if it is the value of "
                    + before.name()
                    + ", write "
                    + before.name()
                    + "="
                    + arg);
          }
          throw unknownCommand(arg, commands);
        }
        arguments.add(arg);
        continue;
      }
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
    return new CommandLine(values, List.copyOf(arguments));
  }

  private static IllegalArgumentException unknownCommand(String arg, Set<String> commands) {
    String module = MODULE_COMMANDS.get(arg);
    if (module != null) {
      return new IllegalArgumentException(
          "command '"
              + arg
              + "' needs the "
              + module
              + " module on the class path (add the io.celestialflow:"
              + module
              + " dependency)");
    }
    return new IllegalArgumentException(
        "unknown command '"
            + arg
            + "' ("
            + (commands.isEmpty()
                ? "this runner has no commands; options start with --"
                : "the commands are " + String.join(", ", new TreeSet<>(commands)))
            + ")");
  }

  /** The command given, if any: the first argument that is not an option. */
  Optional<String> command() {
    return arguments.isEmpty() ? Optional.empty() : Optional.of(arguments.getFirst());
  }

  /** The command's arguments, after its name. */
  List<String> commandArguments() {
    return arguments.isEmpty() ? List.of() : arguments.subList(1, arguments.size());
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
