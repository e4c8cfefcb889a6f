/**
 * The CelestialFlow annotation processor: reads a class's {@code @Stage} and {@code @Edge} methods
 * and generates {@code <Class>Graph}, wired through the runtime's public builder API.
 *
 * <p>The work goes in steps, one class per step: {@link io.celestialflow.processor.StageProcessor}
 * finds the classes (and defers those whose types are not generated yet), {@link
 * io.celestialflow.processor.GraphReader} reads the annotations into declarations and checks each
 * stage method, {@link io.celestialflow.processor.GraphValidator} checks the graph as a whole,
 * {@link io.celestialflow.processor.GraphModel} is what survives the checks, and {@link
 * io.celestialflow.processor.GraphWriter} turns it into Java source with JavaPoet. Every mistake is
 * an error on the offending annotation value through {@link
 * io.celestialflow.processor.Diagnostics}; nothing is generated for a class with errors.
 */
@NullMarked
package io.celestialflow.processor;

import org.jspecify.annotations.NullMarked;
