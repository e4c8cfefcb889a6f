// Package worker serves stages of CelestialFlow graphs from Go: it reads tasks from Redis
// Streams as a member of a consumer group, runs the handler registered for the task's stage, and
// writes the result back for the Java graph, following the Redis bridge protocol
// (docs/protocol.md at the top of the repository).
//
// Register typed handlers by stage name in a Mux, then run a Worker:
//
//	mux := worker.NewMux()
//	worker.Handle(mux, "square", func(ctx context.Context, n int64) (int64, error) {
//		return n * n, nil
//	})
//	w, err := worker.New(mux, worker.Options{URL: "redis://localhost:6379", Graph: "demo"})
//	if err != nil { ... }
//	err = w.Run(ctx) // until ctx is done; then a graceful stop
//
// # Guarantees
//
// The same as the Java worker's:
//
//   - A task's result is written before its entry is acknowledged (and deleted); both happen in
//     one Lua script, so neither happens without the other.
//   - Entries of a worker that died are claimed by the others (XAUTOCLAIM) once idle for
//     Options.ClaimIdle, and run again: nothing is lost.
//   - A worker renews the claims on the entries it holds every ClaimIdle/3, so a long task is
//     never taken from a live worker.
//   - An entry delivered more than Options.MaxDeliveries times without a result goes to the
//     stage's dead-letter stream, and the graph gets an error result.
//   - A malformed entry, or a payload that does not decode into the handler's input type, goes
//     to the dead-letter stream with the reason (and an error result when its id and reply key
//     can be read): never run, never dropped.
//   - On a graceful stop the worker reads no more, finishes what it holds within
//     Options.ShutdownTimeout and leaves anything unfinished pending for another worker:
//     nothing is lost, and nothing finished runs twice.
//
// Numbers are exact: payloads are decoded with json.Decoder.UseNumber into the handler's input
// type, so an int64 keeps all its digits and an untyped number arrives as json.Number.
//
// The worker logs through the *slog.Logger in its Options, never through slog's default logger.
package worker
