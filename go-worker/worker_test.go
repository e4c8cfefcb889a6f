package worker_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	worker "github.com/celestialflow/celestialflow-java/go-worker"
	"github.com/celestialflow/celestialflow-java/go-worker/internal/protocol"
	"github.com/celestialflow/celestialflow-java/go-worker/internal/redistest"
)

func TestNewRefusesBadOptions(t *testing.T) {
	mux := worker.NewMux()
	worker.Handle(mux, "a", func(context.Context, int) (int, error) { return 0, nil })
	tests := []struct {
		name string
		mux  *worker.Mux
		opts worker.Options
		want error
	}{
		{"no graph", mux, worker.Options{}, worker.ErrNoGraph},
		{"no handlers", worker.NewMux(), worker.Options{Graph: "g"}, worker.ErrNoStages},
		{"unknown stage", mux, worker.Options{Graph: "g", Stages: []string{"a", "b"}}, worker.ErrUnknownStage},
		{"stage twice", mux, worker.Options{Graph: "g", Stages: []string{"a", "a"}}, worker.ErrInvalidOption},
		{"empty stage", mux, worker.Options{Graph: "g", Stages: []string{""}}, worker.ErrInvalidOption},
		{"bad namespace", mux, worker.Options{Graph: "g", Namespace: "a:b"}, worker.ErrInvalidOption},
		{"negative concurrency", mux, worker.Options{Graph: "g", Concurrency: -1}, worker.ErrInvalidOption},
		{"negative batch", mux, worker.Options{Graph: "g", BatchSize: -1}, worker.ErrInvalidOption},
		{"negative idle", mux, worker.Options{Graph: "g", ClaimIdle: -time.Second}, worker.ErrInvalidOption},
		{"idle too short to renew", mux, worker.Options{Graph: "g", ClaimIdle: time.Millisecond}, worker.ErrInvalidOption},
		{"negative deliveries", mux, worker.Options{Graph: "g", MaxDeliveries: -5}, worker.ErrInvalidOption},
		{"negative shutdown", mux, worker.Options{Graph: "g", ShutdownTimeout: -1}, worker.ErrInvalidOption},
		{"bad URL", mux, worker.Options{Graph: "g", URL: "http://x"}, worker.ErrInvalidOption},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := worker.New(tt.mux, tt.opts)
			if !errors.Is(err, tt.want) {
				t.Errorf("New: %v, want %v", err, tt.want)
			}
		})
	}
}

func TestZeroOptionsGetTheJavaDefaults(t *testing.T) {
	mux := worker.NewMux()
	worker.Handle(mux, "b", func(context.Context, int) (int, error) { return 0, nil })
	worker.Handle(mux, "a", func(context.Context, int) (int, error) { return 0, nil })
	w, err := worker.New(mux, worker.Options{Graph: "g"})
	if err != nil {
		t.Fatal(err)
	}
	o := w.Options()
	host, _ := os.Hostname()
	tests := []struct {
		name      string
		got, want any
	}{
		{"URL", o.URL, "redis://localhost:6379/0"},
		{"Namespace", o.Namespace, "cf"},
		{"Stages", strings.Join(o.Stages, ","), "a,b"},
		{"Group", o.Group, "workers"},
		{"BatchSize", o.BatchSize, 64},
		{"ClaimIdle", o.ClaimIdle, 30 * time.Second},
		{"MaxDeliveries", o.MaxDeliveries, 5},
		{"DeadCap", o.DeadCap, int64(100_000)},
		{"HeartbeatInterval", o.HeartbeatInterval, 2 * time.Second},
		{"ShutdownTimeout", o.ShutdownTimeout, 30 * time.Second},
		{"TaskTimeout", o.TaskTimeout, time.Duration(0)},
		{"Consumer prefix", strings.HasPrefix(o.Consumer, fmt.Sprintf("%s-%d-", host, os.Getpid())), true},
		{"Concurrency > 0", o.Concurrency > 0, true},
		{"Logger set", o.Logger != nil, true},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}

// point is a typed payload: a struct with an int64 beyond 2^53.
type point struct {
	X int64  `json:"x"`
	Y int64  `json:"y"`
	N string `json:"n"`
}

// TestResults runs one task through each kind of handler and checks the result message.
func TestResults(t *testing.T) {
	e := newEnv(t)
	mux := worker.NewMux()
	worker.Handle(mux, "double", func(_ context.Context, n int64) (int64, error) { return 2 * n, nil })
	worker.Handle(mux, "swap", func(_ context.Context, p point) (point, error) { return point{p.Y, p.X, p.N}, nil })
	worker.Handle(mux, "untyped", func(_ context.Context, v map[string]any) (string, error) {
		return fmt.Sprintf("%T %v", v["n"], v["n"]), nil // a json.Number, not a float64
	})
	worker.HandleMany(mux, "words", func(_ context.Context, s string) ([]string, error) { return strings.Fields(s), nil })
	worker.Handle(mux, "store", func(context.Context, string) (struct{}, error) { return struct{}{}, nil })
	worker.Handle(mux, "fail", func(context.Context, string) (int, error) {
		return 0, fmt.Errorf("reading config: %w", &fs.PathError{Op: "open", Path: "/x", Err: fs.ErrNotExist})
	})
	worker.Handle(mux, "java", func(context.Context, string) (int, error) {
		return 0, &worker.Error{Type: "java.io.IOException", Message: "disk full"}
	})
	worker.Handle(mux, "panic", func(context.Context, string) (int, error) { panic("boom") })
	worker.Handle(mux, "task", func(ctx context.Context, _ string) (string, error) {
		task, ok := worker.TaskFrom(ctx)
		_, hasDeadline := ctx.Deadline()
		return fmt.Sprintf("%v %s %s %d %v", ok, task.Stage, task.ID, task.Delivery, hasDeadline), nil
	})
	e.start(mux, worker.Options{TaskTimeout: time.Minute})

	tests := []struct {
		stage, payload string
		status         string
		value          string // JSON, "" for absent
		values         string // JSON array, "" for absent
		errType        string
		errTypes       []string
		errMessage     string
	}{
		{stage: "double", payload: "9007199254740993", status: "ok", value: "18014398509481986"},
		{stage: "double", payload: "-4611686018427387904", status: "ok", value: "-9223372036854775808"},
		{stage: "swap", payload: `{"x":9007199254740993,"y":-1,"n":"<é🌍>"}`, status: "ok", value: `{"x":-1,"y":9007199254740993,"n":"<é🌍>"}`},
		{stage: "untyped", payload: `{"n":9007199254740993}`, status: "ok", value: `"json.Number 9007199254740993"`},
		{stage: "words", payload: `"a b  c"`, status: "ok", values: `["a","b","c"]`},
		{stage: "words", payload: `""`, status: "ok", values: `[]`},
		{stage: "store", payload: `"x"`, status: "ok"},
		{stage: "fail", payload: `"x"`, status: "error", errType: "*fmt.wrapError",
			errTypes: []string{"*fmt.wrapError", "*fs.PathError", "*errors.errorString"}, errMessage: "reading config: open /x: file does not exist"},
		{stage: "java", payload: `"x"`, status: "error", errType: "java.io.IOException", errTypes: []string{"java.io.IOException"}, errMessage: "disk full"},
		{stage: "panic", payload: `"x"`, status: "error", errType: "*worker.PanicError", errTypes: []string{"*worker.PanicError"}, errMessage: "panic: boom"},
		{stage: "task", payload: `"x"`, status: "ok", value: `"true task task-0 1 true"`},
	}
	for i, tt := range tests {
		t.Run(fmt.Sprintf("%s/%d", tt.stage, i), func(t *testing.T) {
			e.t = t
			e.run = fmt.Sprintf("r%d", i)
			e.send(tt.stage, e.task(tt.stage, fmt.Sprintf("%s-0", tt.stage), tt.payload))
			r := e.results(tt.stage, 1, 10*time.Second)[0]
			if r.Status != tt.status {
				t.Fatalf("status %q (error %+v), want %q", r.Status, r.Error, tt.status)
			}
			if got := string(r.Value); got != tt.value {
				t.Errorf("value %s, want %s", got, tt.value)
			}
			if tt.values == "" && r.Values != nil {
				t.Errorf("values %s, want none", r.Values)
			}
			if tt.values != "" {
				if b, _ := json.Marshal(r.Values); string(b) != tt.values {
					t.Errorf("values %s, want %s", b, tt.values)
				}
			}
			if tt.errType == "" {
				if r.Error != nil {
					t.Errorf("error %+v, want none", r.Error)
				}
			} else {
				if r.Error == nil {
					t.Fatal("no error")
				}
				if r.Error.Type != tt.errType || strings.Join(r.Error.Types, " ") != strings.Join(tt.errTypes, " ") || r.Error.Message != tt.errMessage {
					t.Errorf("error %q %q %q, want %q %q %q", r.Error.Type, r.Error.Types, r.Error.Message, tt.errType, tt.errTypes, tt.errMessage)
				}
				if tt.stage == "panic" && !strings.Contains(r.Error.Trace, "worker_test.go") {
					t.Errorf("panic trace does not show the handler:\n%s", r.Error.Trace)
				}
			}
			want := protocol.Result{V: 1, Kind: "result", ID: tt.stage + "-0", Graph: e.graph, Stage: tt.stage, Run: e.run, Attempt: 1, Lang: "go", Delivery: 1}
			got := protocol.Result{V: r.V, Kind: r.Kind, ID: r.ID, Graph: r.Graph, Stage: r.Stage, Run: r.Run, Attempt: r.Attempt, Lang: r.Lang, Delivery: r.Delivery}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("result\n got %+v\nwant %+v", got, want)
			}
			if r.Worker == "" || r.Started == 0 || r.Finished < r.Started {
				t.Errorf("worker %q, started %d, finished %d", r.Worker, r.Started, r.Finished)
			}
			if n := e.length(e.keys(tt.stage).Tasks); n != 0 {
				t.Errorf("task stream holds %d entries after the result, want 0 (XACK + XDEL)", n)
			}
		})
	}
}

// TestVectorsThroughRedis sends every task-stream vector, exactly as stored, to running
// workers: valid tasks come back as results with the payload intact, malformed ones end in the
// dead-letter stream with their code (and an error result when id and reply are readable).
func TestVectorsThroughRedis(t *testing.T) {
	e := newEnv(t) // for its client; the vectors name their graphs, and a namespace isolates them
	ctx := context.Background()
	ns := fmt.Sprintf("vec%d", graphSeq.Add(1))
	handlers := map[string]func(m *worker.Mux, stage string){
		"int64":             func(m *worker.Mux, s string) { worker.Handle(m, s, echo[int64]) },
		"string":            func(m *worker.Mux, s string) { worker.Handle(m, s, echo[string]) },
		"list<int64>":       func(m *worker.Mux, s string) { worker.Handle(m, s, echo[[]int64]) },
		"map<string,int64>": func(m *worker.Mux, s string) { worker.Handle(m, s, echo[map[string]int64]) },
		"json":              func(m *worker.Mux, s string) { worker.Handle(m, s, echo[any]) },
	}
	muxes := map[string]*worker.Mux{} // by graph: one worker per graph, serving its stages
	var vs []worker.Vector
	for _, v := range worker.LoadVectors(t) {
		if v.Context.Stream != "tasks" {
			continue
		}
		vs = append(vs, v)
		m := muxes[v.Context.Graph]
		if m == nil {
			m = worker.NewMux()
			muxes[v.Context.Graph] = m
		}
		if !slices.Contains(m.Stages(), v.Context.Stage) {
			add, ok := handlers[v.Context.PayloadType]
			if !ok {
				t.Fatalf("%s: no handler for payload type %q", v.Name, v.Context.PayloadType)
			}
			add(m, v.Context.Stage)
		}
	}
	for g, m := range muxes {
		ge := *e
		ge.graph = g
		ge.start(m, worker.Options{Namespace: ns})
	}
	for _, v := range vs {
		t.Run(v.Name, func(t *testing.T) {
			e := *e
			e.t = t
			keys := protocol.StageKeys(ns, v.Context.Graph, v.Context.Stage)
			m, _ := v.Fields["m"].(string)
			var msg map[string]any
			_ = json.Unmarshal([]byte(m), &msg)
			reply, _ := msg["reply"].(string)
			if reply != "" {
				e.rdb.Del(ctx, reply) // vectors share reply keys: start each one empty
			}
			deadBefore := int(e.length(keys.Dead))
			var values []any
			for k, val := range v.Fields {
				values = append(values, k, val)
			}
			entry, err := e.rdb.XAdd(ctx, &redis.XAddArgs{Stream: keys.Tasks, Values: values}).Result()
			if err != nil {
				t.Fatal(err)
			}
			if v.Reject == nil {
				r := read[protocol.Result](&e, reply, 1, 10*time.Second)[0]
				var want struct {
					ID      string          `json:"id"`
					Payload json.RawMessage `json:"payload"`
					Attempt int             `json:"attempt"`
				}
				if err := json.Unmarshal(v.Expect, &want); err != nil {
					t.Fatal(err)
				}
				if r.Status != "ok" || r.ID != want.ID || r.Attempt != want.Attempt || !worker.JSONEqual(r.Value, want.Payload) {
					t.Errorf("result %s %s attempt %d value %s; want ok %s attempt %d value %s",
						r.Status, r.ID, r.Attempt, r.Value, want.ID, want.Attempt, want.Payload)
				}
				return
			}
			d := read[protocol.Dead](&e, keys.Dead, deadBefore+1, 10*time.Second)[deadBefore]
			if d.Entry != entry || d.Code != v.Reject.Code || !strings.Contains(d.Reason, v.Reject.Reason) ||
				d.Stream != keys.Tasks || d.Deliveries != 1 || d.Error == nil || d.Error.Type != protocol.ErrMalformedTask {
				t.Errorf("dead letter %+v; want entry %s, code %s, reason containing %q", d, entry, v.Reject.Code, v.Reject.Reason)
			}
			if (d.Message == nil) == (d.Raw == nil) {
				t.Errorf("dead letter has message %s and raw %v: want exactly one", d.Message, d.Raw)
			}
			if _, ok := v.Fields["m"]; ok && d.Message == nil && *d.Raw != m {
				t.Errorf("raw %q, want the original %q", *d.Raw, m)
			}
			if id, _ := msg["id"].(string); id != "" && reply != "" {
				r := read[protocol.Result](&e, reply, 1, 10*time.Second)[0]
				if r.Status != "error" || r.Error == nil || r.Error.Type != protocol.ErrMalformedTask || r.ID != id {
					t.Errorf("error result %+v, want %s for %s", r, protocol.ErrMalformedTask, id)
				}
			}
			if n := e.length(keys.Tasks); n != 0 {
				t.Errorf("task stream holds %d entries, want 0", n)
			}
		})
	}
}

func echo[T any](_ context.Context, v T) (T, error) { return v, nil }

// TestReclaimsADeadWorkersEntries: entries a consumer read and never acknowledged (it died) are
// claimed once idle for ClaimIdle and run, with delivery 2.
func TestReclaimsADeadWorkersEntries(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ids := e.sendTasks("sq", "t", 20, func(i int) string { return fmt.Sprint(i) })
	if err := e.rdb.XGroupCreateMkStream(ctx, e.keys("sq").Tasks, "workers", "0").Err(); err != nil {
		t.Fatal(err)
	}
	got, err := e.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "workers", Consumer: "dead-one", Streams: []string{e.keys("sq").Tasks, ">"}, Count: 100}).Result()
	if err != nil || len(got[0].Messages) != 20 {
		t.Fatalf("the dead consumer's read: %v, %v", got, err)
	}
	mux := worker.NewMux()
	worker.Handle(mux, "sq", func(_ context.Context, n int64) (int64, error) { return n * n, nil })
	start := time.Now()
	e.start(mux, worker.Options{ClaimIdle: 300 * time.Millisecond})
	res := e.results("sq", 20, 10*time.Second)
	took := time.Since(start)
	seen := map[string]bool{}
	for _, r := range res {
		if r.Delivery != 2 || r.Status != "ok" {
			t.Errorf("%s: delivery %d status %s, want 2 ok", r.ID, r.Delivery, r.Status)
		}
		seen[r.ID] = true
	}
	for _, id := range ids {
		if !seen[id] {
			t.Errorf("%s: no result", id)
		}
	}
	if took > 300*time.Millisecond+time.Second {
		t.Errorf("recovered in %v, want within idle time + 1s", took)
	}
	if p := e.pending("sq"); p != 0 {
		t.Errorf("%d entries still pending", p)
	}
}

// TestLongTaskIsNotStolen: a task running 5× the idle time, with a second worker's reaper
// watching, runs once, with delivery 1.
func TestLongTaskIsNotStolen(t *testing.T) {
	e := newEnv(t)
	var mu sync.Mutex
	runs := map[string]int{}
	mux := worker.NewMux()
	worker.Handle(mux, "slow", func(ctx context.Context, ms int) (int, error) {
		task, _ := worker.TaskFrom(ctx)
		mu.Lock()
		runs[task.ID]++
		mu.Unlock()
		time.Sleep(time.Duration(ms) * time.Millisecond)
		return ms, nil
	})
	idle := 200 * time.Millisecond
	e.start(mux, worker.Options{ClaimIdle: idle, Concurrency: 1, BatchSize: 1})
	e.sendTasks("slow", "long", 1, func(int) string { return "1000" })
	time.Sleep(100 * time.Millisecond) // the first worker has it
	e.start(mux, worker.Options{ClaimIdle: idle, Concurrency: 1, BatchSize: 1})
	r := e.results("slow", 1, 10*time.Second)[0]
	time.Sleep(3 * idle) // a theft would show now as a second run
	mu.Lock()
	defer mu.Unlock()
	if runs["long-0"] != 1 || r.Delivery != 1 {
		t.Errorf("ran %d times, delivery %d; want once, delivery 1", runs["long-0"], r.Delivery)
	}
	if n := e.length(e.reply("slow")); n != 1 {
		t.Errorf("%d results, want 1", n)
	}
}

// TestDeliveryLimit: an entry already delivered MaxDeliveries times (its workers died) is not run
// again: it goes to the dead-letter stream, and the graph gets a DeliveryLimitExceeded result.
func TestDeliveryLimit(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.sendTasks("sq", "poison", 1, func(int) string { return "7" })
	tasks := e.keys("sq").Tasks
	e.rdb.XGroupCreateMkStream(ctx, tasks, "workers", "0")
	got, err := e.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "workers", Consumer: "c1", Streams: []string{tasks, ">"}}).Result()
	if err != nil {
		t.Fatal(err)
	}
	entry := got[0].Messages[0].ID
	// Second delivery, to another consumer that dies too.
	e.rdb.XClaim(ctx, &redis.XClaimArgs{Stream: tasks, Group: "workers", Consumer: "c2", Messages: []string{entry}})
	var ran bool
	mux := worker.NewMux()
	worker.Handle(mux, "sq", func(_ context.Context, n int64) (int64, error) { ran = true; return n * n, nil })
	e.start(mux, worker.Options{ClaimIdle: 50 * time.Millisecond, MaxDeliveries: 2})
	d := e.dead("sq", 1, 10*time.Second)[0]
	if d.Code != "max_deliveries" || d.Deliveries != 3 || d.Entry != entry || d.Stream != tasks || d.ID != "poison-0" ||
		d.Run != e.run || d.Reason != "delivered 3 times without a result (limit 2)" || d.Error != nil || d.Raw != nil {
		t.Errorf("dead letter %+v", d)
	}
	var orig map[string]any
	if json.Unmarshal(d.Message, &orig) != nil || orig["id"] != "poison-0" {
		t.Errorf("dead letter message %s, want the original task", d.Message)
	}
	r := e.results("sq", 1, 10*time.Second)[0]
	if r.Status != "error" || r.Error.Type != "celestialflow.DeliveryLimitExceeded" || r.Delivery != 3 ||
		r.Error.Message != "delivered 3 times without a result (limit 2); moved to "+e.keys("sq").Dead {
		t.Errorf("result %+v error %+v", r, r.Error)
	}
	if ran {
		t.Error("the poison task ran")
	}
	if p := e.pending("sq"); p != 0 {
		t.Errorf("%d entries still pending", p)
	}
}

// TestGracefulStop: the stop finishes every entry the worker holds, leaves the rest in the
// stream, and a second worker does the rest: every task once, none lost.
func TestGracefulStop(t *testing.T) {
	e := newEnv(t)
	var mu sync.Mutex
	runs := map[string]int{}
	mux := worker.NewMux()
	worker.Handle(mux, "slow", func(ctx context.Context, ms int) (int, error) {
		task, _ := worker.TaskFrom(ctx)
		mu.Lock()
		runs[task.ID]++
		mu.Unlock()
		time.Sleep(time.Duration(ms) * time.Millisecond)
		return ms, nil
	})
	ids := e.sendTasks("slow", "t", 40, func(int) string { return "50" })
	opts := worker.Options{Concurrency: 2, BatchSize: 4, ClaimIdle: 500 * time.Millisecond}
	first := e.start(mux, opts)
	time.Sleep(150 * time.Millisecond)
	if err := first.stop(); err != nil {
		t.Fatalf("graceful stop: %v", err)
	}
	done := e.length(e.reply("slow"))
	if p := e.pending("slow"); p != 0 {
		t.Errorf("%d entries pending after the graceful stop, want 0 (it finishes what it holds)", p)
	}
	if done == 0 || done == 40 {
		t.Fatalf("the first worker finished %d tasks; the test wants it stopped mid-way", done)
	}
	e.start(mux, opts)
	res := e.results("slow", 40, 20*time.Second)
	time.Sleep(200 * time.Millisecond)
	if n := e.length(e.reply("slow")); n != 40 {
		t.Errorf("%d results, want 40", n)
	}
	mu.Lock()
	defer mu.Unlock()
	seen := map[string]int{}
	for _, r := range res {
		seen[r.ID]++
	}
	for _, id := range ids {
		if seen[id] != 1 || runs[id] != 1 {
			t.Errorf("%s: %d results, %d runs; want 1 and 1", id, seen[id], runs[id])
		}
	}
	t.Logf("first worker finished %d of 40 before stopping, the second the other %d", done, 40-done)
}

// TestShutdownTimeout: a task that outlives the shutdown timeout is cancelled, its entry left
// pending without a result, and another worker runs it: one result in the end.
func TestShutdownTimeout(t *testing.T) {
	e := newEnv(t)
	started := make(chan struct{}, 1)
	mux := worker.NewMux()
	worker.Handle(mux, "stuck", func(ctx context.Context, ms int) (int, error) {
		if task, _ := worker.TaskFrom(ctx); task.Delivery == 1 {
			started <- struct{}{}
			<-ctx.Done() // blocked until cancelled
			return 0, context.Cause(ctx)
		}
		return ms, nil
	})
	opts := worker.Options{ShutdownTimeout: 200 * time.Millisecond, ClaimIdle: 300 * time.Millisecond}
	first := e.start(mux, opts)
	e.sendTasks("stuck", "s", 1, func(int) string { return "1" })
	<-started
	err := first.stop()
	if !errors.Is(err, worker.ErrShutdownTimeout) {
		t.Fatalf("stop: %v, want ErrShutdownTimeout", err)
	}
	if n := e.length(e.reply("stuck")); n != 0 {
		t.Fatalf("%d results after the cancelled run, want 0", n)
	}
	if p := e.pending("stuck"); p != 1 {
		t.Fatalf("%d pending, want 1", p)
	}
	e.start(mux, opts)
	r := e.results("stuck", 1, 10*time.Second)[0]
	if r.Status != "ok" || r.Delivery != 2 {
		t.Errorf("result %s delivery %d, want ok 2", r.Status, r.Delivery)
	}
}

// TestHeartbeat: the record is in every served stage's workers hash while the worker runs, with
// an expiry on the hash, and gone after a graceful stop.
func TestHeartbeat(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	mux := worker.NewMux()
	worker.Handle(mux, "a", echo[int])
	worker.Handle(mux, "b", echo[int])
	w := e.start(mux, worker.Options{Consumer: "hb-1", HeartbeatInterval: 50 * time.Millisecond})
	e.sendTasks("a", "x", 3, func(i int) string { return "1" })
	e.results("a", 3, 5*time.Second)
	time.Sleep(150 * time.Millisecond)
	for _, st := range []string{"a", "b"} {
		raw, err := e.rdb.HGet(ctx, e.keys(st).Workers, "hb-1").Result()
		if err != nil {
			t.Fatalf("%s: %v", st, err)
		}
		worker.CheckSchema(t, raw, true)
		var hb protocol.Heartbeat
		if err := json.Unmarshal([]byte(raw), &hb); err != nil {
			t.Fatal(err)
		}
		if hb.V != 1 || hb.Consumer != "hb-1" || hb.Group != "workers" || hb.Lang != "go" || hb.Interval != 50 ||
			hb.PID != os.Getpid() || hb.Processed != 3 || strings.Join(hb.Stages, ",") != "a,b" ||
			time.Since(time.UnixMilli(hb.TS)) > time.Second || hb.Started > hb.TS {
			t.Errorf("%s: heartbeat %s", st, raw)
		}
		if ttl := e.rdb.PTTL(ctx, e.keys(st).Workers).Val(); ttl <= 0 || ttl > 30*time.Second {
			t.Errorf("%s: workers hash TTL %v, want in (0, 30s]", st, ttl)
		}
	}
	if err := w.stop(); err != nil {
		t.Fatal(err)
	}
	if n := e.rdb.HLen(ctx, e.keys("a").Workers).Val(); n != 0 {
		t.Errorf("%d heartbeat fields after the stop, want 0", n)
	}
}

// TestReplyTTL: a task's ttl sets the expiry of its result stream.
func TestReplyTTL(t *testing.T) {
	e := newEnv(t)
	mux := worker.NewMux()
	worker.Handle(mux, "a", echo[int])
	e.start(mux, worker.Options{})
	msg := strings.Replace(e.task("a", "t1", "5"), `"ts":`, `"ttl":60000,"ts":`, 1)
	e.send("a", msg)
	e.results("a", 1, 5*time.Second)
	if ttl := e.rdb.PTTL(context.Background(), e.reply("a")).Val(); ttl <= 50*time.Second || ttl > 60*time.Second {
		t.Errorf("reply TTL %v, want about 60s", ttl)
	}
}

// TestReplyKeyNotAStream: a result that cannot be written (the reply key holds a string) is not
// acknowledged; once over the delivery limit the entry is dead-lettered, without the result.
func TestReplyKeyNotAStream(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.rdb.Set(ctx, e.reply("a"), "not a stream", 0)
	mux := worker.NewMux()
	worker.Handle(mux, "a", echo[int])
	e.start(mux, worker.Options{ClaimIdle: 100 * time.Millisecond, MaxDeliveries: 1})
	e.sendTasks("a", "t", 1, func(int) string { return "5" })
	d := e.dead("a", 1, 10*time.Second)[0]
	if d.Code != "max_deliveries" || d.ID != "t-0" {
		t.Errorf("dead letter %+v", d)
	}
	if p := e.pending("a"); p != 0 {
		t.Errorf("%d pending, want 0", p)
	}
	if s := e.rdb.Get(ctx, e.reply("a")).Val(); s != "not a stream" {
		t.Errorf("reply key now %q", s)
	}
}

// TestRunTwice: Run is once per worker.
func TestRunTwice(t *testing.T) {
	e := newEnv(t)
	mux := worker.NewMux()
	worker.Handle(mux, "a", echo[int])
	r := e.start(mux, worker.Options{})
	if err := r.w.Run(context.Background()); !errors.Is(err, worker.ErrRunning) {
		t.Errorf("second Run: %v, want ErrRunning", err)
	}
}

// TestUnreachableRedis: Run fails at once with an error naming the address.
func TestUnreachableRedis(t *testing.T) {
	mux := worker.NewMux()
	worker.Handle(mux, "a", echo[int])
	w, err := worker.New(mux, worker.Options{Graph: "g", URL: "redis://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err = w.Run(ctx)
	if err == nil || !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Errorf("Run: %v, want an error naming 127.0.0.1:1", err)
	}
}

// TestRedisRestart: the server restarts empty (no persistence) under a running worker; the worker
// reconnects, joins its group again on NOGROUP, and serves the tasks sent afterwards.
func TestRedisRestart(t *testing.T) {
	srv := redistest.Start(t)
	e := newEnvAt(t, srv.URL)
	mux := worker.NewMux()
	worker.Handle(mux, "a", echo[int])
	e.start(mux, worker.Options{HeartbeatInterval: 100 * time.Millisecond})
	e.sendTasks("a", "before", 5, func(i int) string { return fmt.Sprint(i) })
	e.results("a", 5, 10*time.Second)
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	if n := e.length(e.reply("a")); n != 0 {
		t.Fatalf("the restarted server still has %d results", n)
	}
	start := time.Now()
	e.sendTasks("a", "after", 5, func(i int) string { return fmt.Sprint(i) })
	res := e.results("a", 5, 20*time.Second)
	for _, r := range res {
		if r.Status != "ok" || !strings.HasPrefix(r.ID, "after-") {
			t.Errorf("result %s %s", r.ID, r.Status)
		}
	}
	time.Sleep(300 * time.Millisecond)
	if n := e.rdb.HLen(context.Background(), e.keys("a").Workers).Val(); n != 1 {
		t.Errorf("%d heartbeat records after the restart, want 1", n)
	}
	t.Logf("served again %v after the restart", time.Since(start).Round(time.Millisecond))
}

// TestRedisStalls: the server stops answering (SIGSTOP) while a task runs, for longer than the
// client's read timeout. The worker keeps the result and retries its commit until the server is
// back. If the commit sent before the stall also runs, whichever comes second finds the entry
// acknowledged and writes nothing: one result either way.
func TestRedisStalls(t *testing.T) {
	srv := redistest.Start(t)
	e := newEnvAt(t, srv.URL)
	mux := worker.NewMux()
	worker.Handle(mux, "a", func(_ context.Context, ms int) (int, error) {
		time.Sleep(time.Duration(ms) * time.Millisecond)
		return ms, nil
	})
	e.start(mux, worker.Options{})
	e.sendTasks("a", "t", 1, func(int) string { return "200" })
	time.Sleep(100 * time.Millisecond)
	if err := syscall.Kill(srv.Pid(), syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	time.Sleep(6 * time.Second) // past go-redis's 5 s read timeout
	if err := syscall.Kill(srv.Pid(), syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	e.results("a", 1, 15*time.Second)
	time.Sleep(500 * time.Millisecond)
	if n := e.length(e.reply("a")); n != 1 {
		t.Errorf("%d results, want 1", n)
	}
	if p := e.pending("a"); p != 0 {
		t.Errorf("%d pending, want 0", p)
	}
}

// TestStopWhileRedisStalls: the server stops answering while a result waits for its commit and
// the worker is told to stop. Run still returns, after the shutdown timeout and the final
// commit's grace, leaving the entry pending; once the server is back another worker finishes it.
func TestStopWhileRedisStalls(t *testing.T) {
	srv := redistest.Start(t)
	e := newEnvAt(t, srv.URL)
	mux := worker.NewMux()
	worker.Handle(mux, "a", func(_ context.Context, ms int) (int, error) {
		time.Sleep(time.Duration(ms) * time.Millisecond)
		return ms, nil
	})
	opts := worker.Options{ShutdownTimeout: 300 * time.Millisecond, ClaimIdle: 300 * time.Millisecond}
	first := e.start(mux, opts)
	e.sendTasks("a", "t", 1, func(int) string { return "100" })
	time.Sleep(50 * time.Millisecond)
	if err := syscall.Kill(srv.Pid(), syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	defer syscall.Kill(srv.Pid(), syscall.SIGCONT)
	time.Sleep(200 * time.Millisecond) // the task is done; its commit hangs
	start := time.Now()
	first.cancel()
	select {
	case <-first.done:
	case <-time.After(15 * time.Second): // ShutdownTimeout + flushGrace + a few seconds
		t.Fatal("Run did not return within 15s of the stop while Redis stalled")
	}
	t.Logf("Run returned %v after the stop: %v", time.Since(start).Round(time.Millisecond), first.err)
	if err := syscall.Kill(srv.Pid(), syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	e.start(mux, opts)
	r := e.results("a", 1, 15*time.Second)[0]
	time.Sleep(300 * time.Millisecond)
	if n := e.length(e.reply("a")); n != 1 || r.Status != "ok" {
		t.Errorf("%d results (%s), want 1 ok", n, r.Status)
	}
}
