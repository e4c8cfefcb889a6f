package io.celestialflow.spi;

import java.util.List;

/**
 * Adds command-line options to every generated runner ({@link io.celestialflow.GraphLauncher}): the
 * dashboard's {@code --dashboard}, the run store's {@code --store}, the Redis bridge's {@code
 * --worker}. Found with {@link java.util.ServiceLoader} when the module providing it is on the
 * class path: declare the implementation in {@code
 * META-INF/services/io.celestialflow.spi.LauncherExtension} (and with {@code provides} in a module
 * descriptor).
 *
 * <p>The launcher parses its own options and every extension's, prints them all in {@code --help},
 * and opens a session of each extension whose options were given, in {@link #order()}. An extension
 * may add {@linkplain #commands() commands} too ({@code failures RUN_ID}); when one is given, its
 * session takes the place of the extension's own.
 */
public interface LauncherExtension {
  /**
   * The options this extension understands.
   *
   * @return the options
   */
  List<LaunchOption> options();

  /**
   * The commands this extension adds, such as the run store's {@code resume RUN_ID}; none by
   * default.
   *
   * @return the commands
   */
  default List<LaunchCommand> commands() {
    return List.of();
  }

  /**
   * Where this extension's session runs among others (lower first); the default is 0.
   *
   * @return the order
   */
  default int order() {
    return 0;
  }

  /**
   * Starts this extension's part of a launch; called only when at least one of its options was
   * given.
   *
   * @param context the launch
   * @return the session
   * @throws Exception if the options are wrong or a resource cannot be opened (the launcher reports
   *     it and exits with status 2 for an {@link IllegalArgumentException}, 1 otherwise)
   */
  LaunchSession open(LaunchContext context) throws Exception;
}
