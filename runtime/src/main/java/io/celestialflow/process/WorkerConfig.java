package io.celestialflow.process;

import io.celestialflow.StageKind;

/**
 * What a worker JVM needs to know, sent by its parent as one JSON line on the worker's standard
 * input (never on the command line, where other users could read the token).
 *
 * @param version the protocol version ({@link Wire#VERSION})
 * @param token a random secret the worker sends back in HELLO, so that no other local process can
 *     pose as a worker
 * @param port the loopback port the parent listens on
 * @param stage the stage name
 * @param worker the worker's number within the stage, from 0
 * @param functionClass the class the worker instantiates: a {@code TaskFunction} or {@code
 *     TaskConsumer} with an accessible no-argument constructor
 * @param kind what the stage emits per task
 * @param codecFactoryClass the {@code CodecFactory} class
 * @param heartbeatMillis how often the worker must show it is alive
 * @param progressFile the shared progress file
 * @param parentPid the parent's process id; the worker exits when it is gone
 */
record WorkerConfig(
    int version,
    String token,
    int port,
    String stage,
    int worker,
    String functionClass,
    StageKind kind,
    String codecFactoryClass,
    long heartbeatMillis,
    String progressFile,
    long parentPid) {}
