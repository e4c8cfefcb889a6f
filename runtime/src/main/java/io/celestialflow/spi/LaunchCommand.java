package io.celestialflow.spi;

import java.util.List;
import java.util.Objects;

/**
 * One subcommand a {@link LauncherExtension} adds to the generated runners, such as the run store's
 * {@code failures RUN_ID [--by stage|error] [--json]}. A command is the first argument that is not
 * an option (nor an option's value); the arguments after it that are not options are its arguments.
 *
 * <p>A command opens a {@link LaunchSession} in place of its extension's usual one: a command that
 * only reports (prints a store's failures) does its work in {@link LaunchSession#takeOver()} and
 * returns the exit status there; a command that runs the graph (resume a stored run) returns a
 * session that {@linkplain LaunchSession#suppliesTasks() supplies tasks} and configures the run.
 * The launcher's and other extensions' options keep working beside a command.
 *
 * @param name the command, e.g. {@code failures}: lower case letters, digits and dashes
 * @param arguments how the usage shows its arguments and options, e.g. {@code RUN_ID [--json]}
 * @param help what it does, for {@code --help} (wrapped there)
 * @param options the options only this command takes (the usage lists them in {@code arguments});
 *     the launcher rejects them without the command
 * @param handler opens the command's session
 */
public record LaunchCommand(
    String name, String arguments, String help, List<LaunchOption> options, Handler handler) {

  /** Opens a command's session. */
  @FunctionalInterface
  public interface Handler {
    /**
     * Starts the command's part of a launch.
     *
     * @param context the launch: its options, including the command's own
     * @param arguments the command's arguments, without the command's name and without options
     * @return the session, which runs instead of the graph ({@link LaunchSession#takeOver()}) or
     *     configures the graph's run
     * @throws Exception as {@link LauncherExtension#open}: an {@link IllegalArgumentException} is a
     *     usage error (exit status 2)
     */
    LaunchSession open(LaunchContext context, List<String> arguments) throws Exception;
  }

  /**
   * Checks the fields and copies the options.
   *
   * @param name the command
   * @param arguments its arguments in the usage
   * @param help one line (or a few) for {@code --help}
   * @param options its own options
   * @param handler opens its session
   */
  public LaunchCommand {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(arguments, "arguments");
    Objects.requireNonNull(help, "help");
    options = List.copyOf(options);
    Objects.requireNonNull(handler, "handler");
    if (!name.matches("[a-z][a-z0-9-]*")) {
      throw new IllegalArgumentException(
          "a command is lower case letters, digits and dashes, not '" + name + "'");
    }
  }
}
