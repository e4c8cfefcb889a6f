/** Runnable CelestialFlow examples. */
@NullMarked
package io.celestialflow.samples;

import org.jspecify.annotations.NullMarked;
