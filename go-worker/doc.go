// Package worker will hold the CelestialFlow Go worker: a process that reads tasks from Redis
// Streams with a consumer group, runs functions registered by name, writes results back and
// acknowledges them. This package is a placeholder until the Redis bridge issue lands; the
// folder exists so that the build and test commands already cover the Go side.
package worker
