/**
 * The command-line runner of graphs: {@link io.celestialflow.launch.GraphLauncher}, which the
 * {@code main} of every generated graph class delegates to, and which opt-in modules extend with
 * their own options through {@link io.celestialflow.spi.LauncherExtension}.
 */
@NullMarked
package io.celestialflow.launch;

import org.jspecify.annotations.NullMarked;
