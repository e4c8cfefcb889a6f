/**
 * A demonstration pipeline for the dashboard: what {@code scripts/demo.sh} runs so a newcomer can
 * open the printed address and watch a graph move.
 */
@NullMarked
package io.celestialflow.dashboard.demo;

import org.jspecify.annotations.NullMarked;
