/**
 * JDK Flight Recorder events of every run: no dependency, nothing to turn on in code, and nothing
 * paid while no recording runs.
 *
 * <p>The engine attaches {@link io.celestialflow.jfr.JfrEvents#listener() a JFR listener} to every
 * run, first among its listeners. It turns the run's {@linkplain io.celestialflow.event events}
 * into these JFR events, each committed only when a recording wants it ({@code shouldCommit()}):
 *
 * <table>
 *   <caption>CelestialFlow's JFR events</caption>
 *   <tr><th>event name</th><th>class</th><th>kind</th><th>when</th></tr>
 *   <tr><td>{@code io.celestialflow.Run}</td><td>{@link io.celestialflow.jfr.RunJfrEvent}</td>
 *       <td>duration</td><td>from the run's start to its end, with its state and totals</td></tr>
 *   <tr><td>{@code io.celestialflow.Stage}</td><td>{@link io.celestialflow.jfr.StageJfrEvent}</td>
 *       <td>duration</td><td>from a stage's start to its finish, with its final counts</td></tr>
 *   <tr><td>{@code io.celestialflow.TaskFailure}</td>
 *       <td>{@link io.celestialflow.jfr.TaskFailureJfrEvent}</td><td>instant</td>
 *       <td>an attempt of a task failed (for good, or to be retried)</td></tr>
 *   <tr><td>{@code io.celestialflow.TaskRetry}</td>
 *       <td>{@link io.celestialflow.jfr.TaskRetryJfrEvent}</td><td>instant</td>
 *       <td>a retry was scheduled, with its delay</td></tr>
 *   <tr><td>{@code io.celestialflow.InputFailure}</td>
 *       <td>{@link io.celestialflow.jfr.InputFailureJfrEvent}</td><td>instant</td>
 *       <td>an input source threw, or gave a null task</td></tr>
 * </table>
 *
 * <p>Record them like any JDK event: {@code java -XX:StartFlightRecording:filename=run.jfr ...},
 * {@code jcmd PID JFR.start}, or a {@link jdk.jfr.Recording} in code; read them with {@code jfr
 * print --events io.celestialflow.TaskFailure run.jfr} or JDK Mission Control. Turn one off with a
 * recording setting, e.g. {@code io.celestialflow.Stage#enabled=false}. All are enabled by default
 * and carry no stack trace (the committing thread is an engine thread; the failure's own stack
 * trace is in {@link io.celestialflow.TaskFailure#stackTrace()}).
 */
@NullMarked
package io.celestialflow.jfr;

import org.jspecify.annotations.NullMarked;
