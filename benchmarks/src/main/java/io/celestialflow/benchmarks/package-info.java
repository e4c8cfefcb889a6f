/** JMH benchmarks of CelestialFlow, each beside its plain-Java baseline. */
@NullMarked
package io.celestialflow.benchmarks;

import org.jspecify.annotations.NullMarked;
