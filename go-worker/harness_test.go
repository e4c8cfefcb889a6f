package worker_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	worker "github.com/celestialflow/celestialflow-java/go-worker"
	"github.com/celestialflow/celestialflow-java/go-worker/internal/protocol"
)

var graphSeq atomic.Int64

// env is one test's graph on the shared redis-server, and a client to play the Java side (the
// graph run "r1").
type env struct {
	t     testing.TB
	rdb   *redis.Client
	url   string
	graph string
	run   string
}

func newEnv(t testing.TB) *env { return newEnvAt(t, redisURL) }

func newEnvAt(t testing.TB, url string) *env {
	t.Helper()
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opt)
	t.Cleanup(func() { rdb.Close() })
	name := strings.NewReplacer("/", "-", " ", "_").Replace(t.Name())
	g := fmt.Sprintf("%s-%d", name, graphSeq.Add(1))
	return &env{t: t, rdb: rdb, url: url, graph: g, run: "r1"}
}

func (e *env) keys(stage string) protocol.Keys {
	return protocol.StageKeys(protocol.DefaultNamespace, e.graph, stage)
}

// reply is the result stream of a stage for the env's run.
func (e *env) reply(stage string) string { return e.keys(stage).Results(e.run) }

// task is a task message as the Java side sends it.
func (e *env) task(stage, id string, payload string) string {
	return fmt.Sprintf(`{"v":1,"kind":"task","id":%q,"graph":%q,"stage":%q,"run":%q,"parents":[],"attempt":1,"payload":%s,"reply":%q,"ts":%d}`,
		id, e.graph, stage, e.run, payload, e.reply(stage), time.Now().UnixMilli())
}

// send appends raw messages to a stage's task stream, in one pipeline.
func (e *env) send(stage string, msgs ...string) {
	e.t.Helper()
	ctx := context.Background()
	_, err := e.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, m := range msgs {
			p.XAdd(ctx, &redis.XAddArgs{Stream: e.keys(stage).Tasks, Values: []any{protocol.Field, m}})
		}
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

// sendTasks sends n tasks with ids prefix-0 .. prefix-(n-1) and the payloads payload(i).
func (e *env) sendTasks(stage, prefix string, n int, payload func(i int) string) []string {
	ids := make([]string, n)
	msgs := make([]string, n)
	for i := range n {
		ids[i] = fmt.Sprintf("%s-%d", prefix, i)
		msgs[i] = e.task(stage, ids[i], payload(i))
	}
	for i := 0; i < n; i += 1000 {
		e.send(stage, msgs[i:min(i+1000, n)]...)
	}
	return ids
}

// results reads a stage's result stream until it holds n results, or fails after timeout.
func (e *env) results(stage string, n int, timeout time.Duration) []protocol.Result {
	e.t.Helper()
	return read[protocol.Result](e, e.reply(stage), n, timeout)
}

// dead reads a stage's dead-letter stream until it holds n dead letters, or fails after timeout.
func (e *env) dead(stage string, n int, timeout time.Duration) []protocol.Dead {
	e.t.Helper()
	return read[protocol.Dead](e, e.keys(stage).Dead, n, timeout)
}

// read reads n messages of type M from a stream, from its start.
func read[M any](e *env, key string, n int, timeout time.Duration) []M {
	e.t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(timeout)
	var out []M
	last := "0"
	for len(out) < n {
		left := time.Until(deadline)
		if left <= 0 {
			e.t.Fatalf("%s: %d message(s) after %v, want %d", key, len(out), timeout, n)
		}
		res, err := e.rdb.XRead(ctx, &redis.XReadArgs{Streams: []string{key, last}, Count: 1000, Block: min(left, 200*time.Millisecond)}).Result()
		if errors.Is(err, redis.Nil) {
			continue
		}
		if err != nil {
			e.t.Fatal(err)
		}
		for _, m := range res[0].Messages {
			last = m.ID
			raw := m.Values[protocol.Field].(string)
			worker.CheckSchema(e.t, raw, false) // everything the worker writes follows the schema
			// A pack of results (section 3.5) holds several messages; anything else is one.
			var pack struct {
				Kind    string            `json:"kind"`
				Results []json.RawMessage `json:"results"`
			}
			msgs := []string{raw}
			if json.Unmarshal([]byte(raw), &pack) == nil && pack.Kind == protocol.KindResults {
				msgs = msgs[:0]
				for _, r := range pack.Results {
					msgs = append(msgs, string(r))
				}
			}
			for _, one := range msgs {
				var msg M
				dec := json.NewDecoder(strings.NewReader(one))
				dec.UseNumber()
				if err := dec.Decode(&msg); err != nil {
					e.t.Fatalf("%s: entry %s: %v", key, m.ID, err)
				}
				out = append(out, msg)
			}
		}
	}
	return out
}

// length is the number of entries in a stream.
func (e *env) length(key string) int64 {
	e.t.Helper()
	n, err := e.rdb.XLen(context.Background(), key).Result()
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// pending is the number of entries pending in the workers' group of a stage.
func (e *env) pending(stage string) int64 {
	e.t.Helper()
	p, err := e.rdb.XPending(context.Background(), e.keys(stage).Tasks, worker.DefaultGroup).Result()
	if err != nil {
		e.t.Fatal(err)
	}
	return p.Count
}

// running is a worker started in the background by start.
type running struct {
	w      *worker.Worker
	cancel context.CancelFunc
	done   chan struct{} // closed when Run has returned, err set
	err    error
}

// stop stops the worker gracefully and returns Run's error.
func (r *running) stop() error {
	r.cancel()
	<-r.done
	return r.err
}

// start runs a worker on the env's graph and waits until it is ready; the test's cleanup stops it.
func (e *env) start(mux *worker.Mux, o worker.Options) *running {
	e.t.Helper()
	if o.Graph == "" {
		o.Graph = e.graph
	}
	if o.URL == "" && o.Client == nil {
		o.URL = e.url
	}
	if o.Logger == nil {
		o.Logger = testLogger(e.t)
	}
	ready := make(chan struct{})
	o.Ready = func() { close(ready) }
	w, err := worker.New(mux, o)
	if err != nil {
		e.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{w: w, cancel: cancel, done: make(chan struct{})}
	go func() { r.err = w.Run(ctx); close(r.done) }()
	select {
	case <-ready:
	case <-r.done:
		e.t.Fatalf("worker ended before ready: %v", r.err)
	case <-time.After(10 * time.Second):
		e.t.Fatal("worker not ready after 10s")
	}
	e.t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(30 * time.Second):
			e.t.Error("worker did not stop within 30s")
		}
	})
	return r
}

// testLogger logs into the test's output, at Debug when -v.
func testLogger(t testing.TB) *slog.Logger {
	level := slog.LevelInfo
	if testing.Verbose() {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(testOutput(t), &slog.HandlerOptions{Level: level}))
}

// testLoggerAt logs into the test's output at the given level only (benchmarks).
func testLoggerAt(t testing.TB, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewTextHandler(testOutput(t), &slog.HandlerOptions{Level: l}))
}

// testOutput is t.Output() until the test's cleanups are over. A worker stopped while Redis
// stalls returns on time, but a goroutine still blocked in a Redis call ends (and logs) a moment
// later, which t.Output() would answer with a panic once the test is over.
func testOutput(t testing.TB) io.Writer {
	w := &guardedWriter{w: t.Output()}
	t.Cleanup(func() { // registered before the worker's: runs after it stopped
		w.mu.Lock()
		defer w.mu.Unlock()
		w.done = true
	})
	return w
}

type guardedWriter struct {
	mu   sync.Mutex
	w    io.Writer
	done bool
}

func (g *guardedWriter) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.done {
		return len(p), nil
	}
	return g.w.Write(p)
}
