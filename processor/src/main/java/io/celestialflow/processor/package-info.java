/**
 * The CelestialFlow annotation processor: reads {@code @Stage} and {@code @Edge} methods and
 * generates a graph class wired through the runtime's public builder API. Not implemented yet; the
 * module exists so that the build layout is final.
 */
@NullMarked
package io.celestialflow.processor;

import org.jspecify.annotations.NullMarked;
