package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/celestialflow/celestialflow-java/go-worker/internal/protocol"
)

// Worker serves stages of one graph: it reads their tasks from Redis Streams as a member of a
// consumer group, runs the registered handlers, and writes each result before it acknowledges
// the task (docs/protocol.md, section 5). Make one with New and run it with Run.
type Worker struct {
	opts   Options
	log    *slog.Logger
	stages []*stage
	byKey  map[string]*stage // by task stream key
	host   string

	rdb       redis.UniversalClient
	ownClient bool
	started   atomic.Bool
	startedAt time.Time

	processed atomic.Int64 // tasks finished (result or dead letter committed)
	failed    atomic.Int64 // of those, how many with an error result
	abandoned atomic.Int64 // entries left pending at the stop without a result

	held      heldSet
	credits   *credits
	jobs      chan job
	results   chan commit
	committed chan struct{} // closed when the committer has returned
	expired   atomic.Bool   // the shutdown timeout has run out: commit nothing new
}

// stage is one served stage: its keys and handler.
type stage struct {
	name string
	keys protocol.Keys
	h    handler
}

// New checks opts (see Options for the defaults) against the handlers in mux and returns a
// worker ready to Run. The errors are ErrNoGraph, ErrNoStages, ErrUnknownStage and
// ErrInvalidOption, wrapped with the details.
func New(mux *Mux, opts Options) (*Worker, error) {
	o, err := opts.init(mux.Stages())
	if err != nil {
		return nil, err
	}
	w := &Worker{opts: o, byKey: make(map[string]*stage)}
	w.log = o.Logger.With("graph", o.Graph, "consumer", o.Consumer)
	for _, name := range o.Stages {
		h, ok := mux.lookup(name)
		if !ok {
			return nil, fmt.Errorf("%w %q (handlers: %s)", ErrUnknownStage, name, strings.Join(mux.Stages(), ", "))
		}
		st := &stage{name: name, keys: protocol.StageKeys(o.Namespace, o.Graph, name), h: h}
		if _, dup := w.byKey[st.keys.Tasks]; dup {
			return nil, fmt.Errorf("%w: stage %q listed twice", ErrInvalidOption, name)
		}
		w.stages = append(w.stages, st)
		w.byKey[st.keys.Tasks] = st
	}
	if o.Client != nil {
		w.rdb = o.Client
	} else {
		ro, err := redis.ParseURL(o.URL)
		if err != nil {
			return nil, fmt.Errorf("%w: URL %q: %v", ErrInvalidOption, o.URL, err)
		}
		// Deadlines of contexts bound the calls (the stop's last ones rely on it).
		ro.ContextTimeoutEnabled = true
		w.rdb = redis.NewClient(ro)
		w.ownClient = true
	}
	if w.host, err = os.Hostname(); err != nil {
		w.host = "unknown"
	}
	return w, nil
}

// Options returns the options the worker runs with, defaults filled in.
func (w *Worker) Options() Options { return w.opts }

// Run serves tasks until ctx is done, then stops gracefully: it stops reading, finishes the
// entries it holds (running or waiting to run) within Options.ShutdownTimeout, commits their
// results, and removes its heartbeat record. Tasks still running at the timeout are cancelled
// and left pending, with any entry not started, for another worker: nothing is lost, and
// nothing finished runs twice.
//
// Run returns nil after a graceful stop, an error wrapping ErrShutdownTimeout if it had to leave
// tasks unfinished, or an error naming the Redis address if the worker could not join its
// consumer groups at the start. While running, Redis failures are logged and retried with
// backoff. Run may be called once.
func (w *Worker) Run(ctx context.Context) error {
	if !w.started.CompareAndSwap(false, true) {
		return ErrRunning
	}
	if w.ownClient {
		defer w.rdb.Close()
	}
	w.startedAt = time.Now()
	if err := w.joinGroups(ctx); err != nil {
		return err
	}
	o := w.opts
	w.credits = newCredits(o.Concurrency + o.BatchSize)
	// Room for every credit, and for the overshoot of a read over many streams (one each).
	w.jobs = make(chan job, o.Concurrency+2*o.BatchSize+len(w.stages))
	w.results = make(chan commit, o.Concurrency+o.BatchSize)
	w.committed = make(chan struct{})

	// work is the parent context of every task: not ctx, since the tasks held go on after the
	// stop, but cancelled when the shutdown timeout runs out.
	work, cancelWork := context.WithCancelCause(context.WithoutCancel(ctx))
	defer cancelWork(nil)
	// bg carries the worker's own Redis calls until the end.
	bg := context.WithoutCancel(ctx)

	var (
		stopRead  = make(chan struct{}) // closed at the stop: no more reading or claiming
		flush     = make(chan struct{}) // closed once the executors are done: commit the rest
		stopRenew = make(chan struct{})
		stopHB    = make(chan struct{})
		readers   sync.WaitGroup
		execs     sync.WaitGroup
		renewed   = make(chan struct{})
		beaten    = make(chan struct{})
	)
	w.heartbeat(bg)
	go func() { defer close(beaten); w.heartbeatLoop(bg, stopHB) }()
	go func() { defer close(renewed); w.renewLoop(bg, stopRenew) }()
	go func() { defer close(w.committed); w.commitLoop(bg, flush) }()
	for range o.Concurrency {
		execs.Add(1)
		go func() { defer execs.Done(); w.execLoop(work) }()
	}
	readers.Add(2)
	go func() { defer readers.Done(); w.readLoop(bg, stopRead) }()
	go func() { defer readers.Done(); w.claimLoop(bg, stopRead) }()

	w.log.Info("worker ready", "namespace", o.Namespace, "group", o.Group, "stages", o.Stages,
		"concurrency", o.Concurrency, "batch", o.BatchSize, "claimIdle", o.ClaimIdle,
		"maxDeliveries", o.MaxDeliveries)
	if o.Ready != nil {
		o.Ready()
	}

	<-ctx.Done()
	w.log.Info("worker stopping: finishing the entries it holds", "held", w.held.count(),
		"timeout", o.ShutdownTimeout)
	// Every wait below is bounded, so that the stop ends even when Redis stalls: the
	// executors get ShutdownTimeout (a read in progress ends within readBlock, and what it
	// brings is held and run too), the final commit flushGrace, the rest a second or two.
	close(stopRead)
	go func() { readers.Wait(); close(w.jobs) }()
	var result error
	execDone := make(chan struct{})
	go func() { execs.Wait(); close(execDone) }()
	if !waitFor(execDone, o.ShutdownTimeout) {
		// Order matters: a task cancelled now must see expired, so that its (cancelled) result
		// is not committed as if the task had failed.
		w.expired.Store(true)
		cancelWork(ErrShutdownTimeout)
		n := w.held.count()
		result = fmt.Errorf("%w: %d entries left pending after %v", ErrShutdownTimeout, n, o.ShutdownTimeout)
		w.log.Warn("shutdown timeout: tasks cancelled, entries left pending for another worker",
			"held", n, "timeout", o.ShutdownTimeout)
		// Handlers that honour their context return now and let go of their entries; the
		// ones that do not are left behind.
		waitFor(execDone, 100*time.Millisecond)
	}
	close(flush)
	if !waitFor(w.committed, flushGrace+time.Second) {
		w.log.Error("the final commit did not end; its entries stay pending")
	}
	close(stopRenew)
	close(stopHB)
	if waitFor(renewed, time.Second) {
		waitFor(beaten, 100*time.Millisecond)
	}
	w.leave(bg)
	w.log.Info("worker stopped", "processed", w.processed.Load(), "failed", w.failed.Load(),
		"leftPending", w.abandoned.Load()+int64(w.held.count()))
	return result
}

// waitFor waits until c is closed or d has passed; it reports whether c was closed.
func waitFor(c <-chan struct{}, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-c:
		return true
	case <-t.C:
		return false
	}
}

// joinGroups creates the consumer group on every task stream (and the stream if need be),
// starting at id 0 so that tasks sent before any worker existed are served too.
func (w *Worker) joinGroups(ctx context.Context) error {
	for _, st := range w.stages {
		if err := w.createGroup(ctx, st); err != nil {
			return fmt.Errorf("worker: joining group %q on %s at redis %s: %w", w.opts.Group, st.keys.Tasks, w.addr(), err)
		}
	}
	return nil
}

func (w *Worker) createGroup(ctx context.Context, st *stage) error {
	err := w.rdb.XGroupCreateMkStream(ctx, st.keys.Tasks, w.opts.Group, "0").Err()
	if err != nil && strings.HasPrefix(err.Error(), "BUSYGROUP") {
		return nil
	}
	return err
}

// addr names the Redis server in errors.
func (w *Worker) addr() string {
	if c, ok := w.rdb.(*redis.Client); ok {
		return c.Options().Addr
	}
	if w.opts.Client == nil {
		return w.opts.URL
	}
	return "(the given client)"
}

// job is one stream entry this worker holds: a task to run, or an entry to dead-letter.
type job struct {
	st       *stage
	entry    string // stream entry id
	task     protocol.Task
	delivery int
	reject   *protocol.Reject // non-nil: do not run, dead-letter
}

// execLoop runs jobs until the queue is closed and empty. A job's credit comes back when it
// leaves the executor: the reader may fetch more while its result is being committed, since
// finished work is not work another worker could do instead.
func (w *Worker) execLoop(work context.Context) {
	for j := range w.jobs {
		if w.expired.Load() {
			w.abandon(j)
		} else {
			w.execute(work, j)
		}
		w.credits.give(1)
	}
}

// abandon lets go of a job without a result: its entry stays pending in Redis until another
// worker claims it after ClaimIdle.
func (w *Worker) abandon(j job) {
	w.held.remove(j.st, j.entry)
	w.abandoned.Add(1)
}

// release ends the worker's hold on a committed (or uncommittable) entry.
func (w *Worker) release(st *stage, entry string) {
	w.held.remove(st, entry)
}

// backoff is the wait before the n-th retry (n from 1) of a failed Redis call: 50 ms doubling
// to 2 s, as in the Java worker.
func backoff(n int) time.Duration {
	return min(50*time.Millisecond<<min(n-1, 6), 2*time.Second)
}

// sleep waits d or until stop is closed; it reports whether it slept the whole time.
func sleep(d time.Duration, stop <-chan struct{}) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-stop:
		return false
	}
}

func closed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

func isNoGroup(err error) bool { return err != nil && strings.HasPrefix(err.Error(), "NOGROUP") }

// isRedisReply tells a Redis error reply (the command was refused) from a connection failure.
func isRedisReply(err error) bool {
	var re redis.Error
	return errors.As(err, &re) && !errors.Is(err, redis.Nil)
}
