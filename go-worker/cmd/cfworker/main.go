// Command cfworker is the CelestialFlow Go worker: it serves stages of a graph through the
// Redis bridge (docs/protocol.md), with the built-in handlers of package demo (noop, upper,
// fib, sha, sum, sleep, fail).
//
//	cfworker -redis redis://localhost:6379 -graph demo -stages fib,sha -concurrency 8
//
// Every flag can come from an environment variable instead (cfworker -h lists them). Once the
// worker has joined its consumer groups it prints one line on standard output,
//
//	ready graph=demo group=workers consumer=host-4242-k3x9qa stages=fib,sha
//
// and writes the same line to the -ready-file, if given. Logs go to standard error. On SIGINT
// or SIGTERM it stops reading, finishes the tasks it holds within -shutdown-timeout and exits
// with status 0; a second signal kills it at once. Exit status 1 means it could not start
// (Redis unreachable) or had to leave tasks unfinished at the timeout; 2, a usage error.
//
// Writing a worker with handlers of your own: see package worker and its examples; this
// command's main is the model.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/redis/go-redis/v9"

	worker "github.com/celestialflow/celestialflow-java/go-worker"
	"github.com/celestialflow/celestialflow-java/go-worker/demo"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// register adds the handlers of this binary; builds with the cfworker_testhooks tag add test
// handlers (testhooks.go).
var register = []func(m *worker.Mux, c *config){
	func(m *worker.Mux, _ *config) { demo.Register(m) },
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	c, err := parseConfig(args, getenv, stderr)
	if errors.Is(err, errHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "cfworker:", err)
		return 2
	}
	mux := worker.NewMux()
	for _, r := range register {
		r(mux, &c)
	}
	if c.list {
		fmt.Fprintln(stdout, strings.Join(mux.Stages(), "\n"))
		return 0
	}

	hopts := &slog.HandlerOptions{Level: c.logLevel}
	var h slog.Handler = slog.NewTextHandler(stderr, hopts)
	if c.logJSON {
		h = slog.NewJSONHandler(stderr, hopts)
	}
	log := slog.New(h)
	// A binary may set go-redis's process-wide logger (a library may not).
	redis.SetLogger(redisLogger{log.With("component", "go-redis")})
	c.opts.Logger = log

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // from now on a second signal terminates the process at once
	}()

	// The ready line needs the consumer name the worker picks, known after New; Ready runs
	// later, inside Run.
	runCtx, cancelRun := context.WithCancelCause(ctx)
	defer cancelRun(nil)
	var line string
	c.opts.Ready = func() {
		if c.readyFile != "" {
			if err := writeReady(c.readyFile, line); err != nil {
				cancelRun(fmt.Errorf("writing the ready file: %w", err))
				return
			}
		}
		fmt.Fprintln(stdout, line) // after the file: whoever reads the line finds the file
	}
	w, err := worker.New(mux, c.opts)
	if err != nil {
		fmt.Fprintln(stderr, "cfworker:", err)
		return 2
	}
	o := w.Options()
	line = fmt.Sprintf("ready graph=%s group=%s consumer=%s stages=%s",
		o.Graph, o.Group, o.Consumer, strings.Join(o.Stages, ","))
	if c.readyFile != "" {
		defer os.Remove(c.readyFile)
	}

	err = w.Run(runCtx)
	if cause := context.Cause(runCtx); err == nil && cause != nil && !errors.Is(cause, context.Canceled) {
		err = cause
	}
	if err != nil {
		log.Error("cfworker failed", "err", err)
		return 1
	}
	return 0
}

// writeReady writes line to path atomically (a temporary file renamed), so that a reader never
// sees it half-written.
func writeReady(path, line string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".cfworker-ready-*")
	if err != nil {
		return err
	}
	if _, err := tmp.WriteString(line + "\n"); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// redisLogger sends go-redis's own messages (reconnections, pool trouble) to slog.
type redisLogger struct{ log *slog.Logger }

func (l redisLogger) Printf(ctx context.Context, format string, v ...any) {
	l.log.WarnContext(ctx, strings.TrimSpace(fmt.Sprintf(format, v...)))
}
