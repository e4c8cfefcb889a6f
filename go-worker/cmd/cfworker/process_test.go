package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/celestialflow/celestialflow-java/go-worker/internal/protocol"
	"github.com/celestialflow/celestialflow-java/go-worker/internal/redistest"
)

// These tests run the real binary, built by TestMain with the test handler "count"
// (testhooks.go), against a real redis-server: kill -9 and SIGTERM are about processes.
var (
	binary   string
	redisURL string
	rdb      *redis.Client
	graphSeq atomic.Int64
)

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	srv, err := redistest.Launch()
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		return 1
	}
	defer srv.Stop()
	redisURL = srv.URL
	opt, _ := redis.ParseURL(redisURL)
	rdb = redis.NewClient(opt)
	defer rdb.Close()

	dir, err := os.MkdirTemp("", "cfworker-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "cfworker")
	build := exec.Command("go", "build", "-tags", "cfworker_testhooks", "-o", binary, ".")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: go build: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// proc is one worker process.
type proc struct {
	t        *testing.T
	cmd      *exec.Cmd
	consumer string
	ready    chan string // the ready line
	exited   chan struct{}
	stderr   *lockedBuffer
	err      error // Wait's, once exited is closed
}

// startWorker starts the binary on graph with the count stage and waits for its ready line.
func startWorker(t *testing.T, graph string, extra ...string) *proc {
	t.Helper()
	consumer := fmt.Sprintf("w%d", graphSeq.Add(1))
	args := append([]string{"-redis", redisURL, "-graph", graph, "-stages", "count", "-consumer", consumer}, extra...)
	p := &proc{t: t, consumer: consumer, ready: make(chan string, 1), exited: make(chan struct{}), stderr: &lockedBuffer{}}
	p.cmd = exec.Command(binary, args...)
	p.cmd.Stderr = p.stderr
	// The kernel kills the worker if the test process dies first.
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if line := sc.Text(); strings.HasPrefix(line, "ready ") {
				p.ready <- line
			}
		}
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			_ = p.cmd.Process.Kill()
			<-p.exited
		}
		if t.Failed() {
			t.Logf("stderr of %s:\n%s", consumer, p.stderr.String())
		}
	})
	select {
	case line := <-p.ready:
		want := fmt.Sprintf("ready graph=%s group=workers consumer=%s stages=count", graph, consumer)
		if line != want {
			t.Errorf("ready line %q, want %q", line, want)
		}
	case <-p.exited:
		t.Fatalf("worker exited before ready: %v\n%s", p.err, p.stderr.String())
	case <-time.After(20 * time.Second):
		t.Fatalf("worker not ready after 20s\n%s", p.stderr.String())
	}
	return p
}

// wait waits for the process to exit and returns its exit code.
func (p *proc) wait(timeout time.Duration) int {
	p.t.Helper()
	select {
	case <-p.exited:
	case <-time.After(timeout):
		p.t.Fatalf("%s did not exit within %v", p.consumer, timeout)
	}
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		return ee.ExitCode()
	}
	if p.err != nil {
		p.t.Fatal(p.err)
	}
	return 0
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// graphRun is one test's graph, with the Java side's part played here.
type graphRun struct {
	t     *testing.T
	graph string
	keys  protocol.Keys
	reply string
	ids   []string
}

func newGraphRun(t *testing.T) *graphRun {
	g := fmt.Sprintf("%s-%d", t.Name(), graphSeq.Add(1))
	g = strings.NewReplacer("/", "-").Replace(g)
	k := protocol.StageKeys("cf", g, "count")
	return &graphRun{t: t, graph: g, keys: k, reply: k.Results("r1")}
}

// send appends n count tasks of ms milliseconds each.
func (r *graphRun) send(n int, ms int) {
	ctx := context.Background()
	_, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for range n {
			id := fmt.Sprintf("%s-%d", r.graph, len(r.ids))
			r.ids = append(r.ids, id)
			m := fmt.Sprintf(`{"v":1,"kind":"task","id":%q,"graph":%q,"stage":"count","run":"r1","payload":%d,"reply":%q,"ts":%d}`,
				id, r.graph, ms, r.reply, time.Now().UnixMilli())
			p.XAdd(ctx, &redis.XAddArgs{Stream: r.keys.Tasks, Values: []any{"m", m}})

		}
		return nil
	})
	if err != nil {
		r.t.Fatal(err)
	}
}

// results returns the number of results per task id, and their total.
func (r *graphRun) results() (map[string]int, int) {
	ctx := context.Background()
	msgs, err := rdb.XRange(ctx, r.reply, "-", "+").Result()
	if err != nil {
		r.t.Fatal(err)
	}
	per := map[string]int{}
	for _, m := range msgs {
		var res protocol.Result
		if err := jsonUnmarshal(m.Values["m"].(string), &res); err != nil {
			r.t.Fatal(err)
		}
		if res.Status != "ok" {
			r.t.Errorf("%s: status %s %+v", res.ID, res.Status, res.Error)
		}
		per[res.ID]++
	}
	return per, len(msgs)
}

// waitResults waits until every task has a result.
func (r *graphRun) waitResults(timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	for {
		if _, n := r.results(); n >= len(r.ids) {
			return
		}
		if time.Now().After(deadline) {
			_, n := r.results()
			r.t.Fatalf("%d results of %d after %v", n, len(r.ids), timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitDone waits until at least n tasks have a result.
func (r *graphRun) waitDone(n int) {
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, got := r.results(); got >= n {
			return
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("fewer than %d results after 20s", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// counts reads how many times each task started and finished, from the count handler's
// side channel.
func counts(name string) map[string]int {
	m, _ := rdb.HGetAll(context.Background(), "cftest:"+name).Result()
	out := map[string]int{}
	for k, v := range m {
		out[k], _ = strconv.Atoi(v)
	}
	return out
}

// taskIDs reads the task ids of stream entries (still in the stream: pending, not deleted).
func (r *graphRun) taskIDs(entries map[string]bool) map[string]bool {
	ids := map[string]bool{}
	for e := range entries {
		msgs, err := rdb.XRange(context.Background(), r.keys.Tasks, e, e).Result()
		if err != nil || len(msgs) != 1 {
			r.t.Fatalf("entry %s: %v %v", e, msgs, err)
		}
		var task struct{ ID string }
		if err := jsonUnmarshal(msgs[0].Values["m"].(string), &task); err != nil {
			r.t.Fatal(err)
		}
		ids[task.ID] = true
	}
	return ids
}

// pendingOf lists the entries pending for a consumer.
func (r *graphRun) pendingOf(consumer string) map[string]bool {
	p, err := rdb.XPendingExt(context.Background(), &redis.XPendingExtArgs{
		Stream: r.keys.Tasks, Group: "workers", Start: "-", End: "+", Count: 100000, Consumer: consumer,
	}).Result()
	if err != nil {
		r.t.Fatal(err)
	}
	out := map[string]bool{}
	for _, e := range p {
		out[e.ID] = true
	}
	return out
}

// TestKill9 kills a worker with SIGKILL in the middle of its batches, starts another, and
// checks, over several trials at random moments: every task has exactly one result (nothing
// lost, no result twice), and a task ran twice only if the killed worker held its entry
// (fetched, not acknowledged): at least once, as it must be, and no more.
func TestKill9(t *testing.T) {
	const (
		trials      = 4
		tasks       = 200
		concurrency = 4
		idle        = 500 * time.Millisecond
	)
	totalRerun := 0
	for trial := range trials {
		t.Run(fmt.Sprint(trial), func(t *testing.T) {
			r := newGraphRun(t)
			args := []string{"-concurrency", strconv.Itoa(concurrency), "-batch", "16", "-claim-idle", idle.String()}
			a := startWorker(t, r.graph, args...)
			r.send(tasks, 5+rand.IntN(10)) // 5–15 ms each: ~300 tasks/s on 4 slots
			// Kill at a random moment once the worker is under way (however loaded the machine).
			sent := time.Now()
			r.waitDone(10)
			time.Sleep(time.Duration(rand.IntN(200)) * time.Millisecond)
			killAfter := time.Since(sent)
			_ = a.cmd.Process.Kill()
			a.wait(5 * time.Second)
			_, doneAtKill := r.results()
			heldAtKill := r.pendingOf(a.consumer)
			heldTasks := r.taskIDs(heldAtKill)
			if doneAtKill == 0 || doneAtKill == tasks {
				t.Fatalf("killed after %v with %d of %d done: not mid-run", killAfter, doneAtKill, tasks)
			}
			started := time.Now()
			startWorker(t, r.graph, args...)
			r.waitResults(30 * time.Second)
			recovery := time.Since(started)
			time.Sleep(2 * idle) // anything run twice would show now

			per, total := r.results()
			starts, finishes := counts("started"), counts("finished")
			rerun := 0
			for _, id := range r.ids {
				if per[id] != 1 {
					t.Errorf("%s: %d results, want 1", id, per[id])
				}
				switch s := starts[id]; {
				case s == 2 && heldTasks[id]:
					rerun++ // fetched by the killed worker, not acknowledged: run again, as it must be
				case s != 1:
					t.Errorf("%s: started %d times (held by the killed worker: %v)", id, s, heldTasks[id])
				}
				if finishes[id] < 1 || finishes[id] > starts[id] {
					t.Errorf("%s: finished %d times, started %d", id, finishes[id], starts[id])
				}
			}
			if total != tasks {
				t.Errorf("%d results, want %d", total, tasks)
			}
			if n, _ := rdb.XLen(context.Background(), r.keys.Tasks).Result(); n != 0 {
				t.Errorf("%d entries left in the task stream", n)
			}
			if p := r.pendingOf(""); len(p) != 0 {
				t.Errorf("%d entries still pending", len(p))
			}
			// The killed worker's entries are claimed after idle; the rest is the work itself.
			t.Logf("killed after %v: %d/%d done, %d held by the dead worker; the next finished in %v; %d task(s) started twice (started by the killed worker, result not written), %d results, each task exactly one",
				killAfter, doneAtKill, tasks, len(heldAtKill), recovery.Round(time.Millisecond), rerun, total)
			totalRerun += rerun
		})
	}
	t.Logf("%d trials x %d tasks: 0 lost, 0 duplicate results, %d re-runs, all of tasks the killed worker had started without writing their result", trials, tasks, totalRerun)
}

// TestSIGTERM stops a worker with SIGTERM while it runs tasks: it exits 0 after finishing what
// it holds, leaves nothing pending, removes its ready file and heartbeat; another worker does
// the rest: every task started once and has one result.
func TestSIGTERM(t *testing.T) {
	r := newGraphRun(t)
	ready := filepath.Join(t.TempDir(), "ready")
	args := []string{"-concurrency", "2", "-batch", "4", "-claim-idle", "500ms", "-shutdown-timeout", "10s"}
	a := startWorker(t, r.graph, append(args, "-ready-file", ready)...)
	if b, err := os.ReadFile(ready); err != nil || !strings.HasPrefix(string(b), "ready graph="+r.graph) {
		t.Errorf("ready file: %q, %v", b, err)
	}
	r.send(60, 40)
	r.waitDone(4) // under way
	stopAt := time.Now()
	_ = a.cmd.Process.Signal(syscall.SIGTERM)
	if code := a.wait(15 * time.Second); code != 0 {
		t.Fatalf("exit %d after SIGTERM, want 0\n%s", code, a.stderr.String())
	}
	stopTook := time.Since(stopAt)
	if _, err := os.Stat(ready); !os.IsNotExist(err) {
		t.Errorf("ready file still there after the stop: %v", err)
	}
	if p := r.pendingOf(""); len(p) != 0 {
		t.Errorf("%d entries pending after the graceful stop, want 0", len(p))
	}
	if n := rdb.HLen(context.Background(), r.keys.Workers).Val(); n != 0 {
		t.Errorf("%d heartbeat records after the stop, want 0", n)
	}
	_, doneAtStop := r.results()
	if doneAtStop == 0 || doneAtStop == 60 {
		t.Fatalf("%d of 60 done at the stop: not mid-run", doneAtStop)
	}
	startWorker(t, r.graph, args...)
	r.waitResults(30 * time.Second)
	time.Sleep(time.Second)
	per, total := r.results()
	starts := counts("started")
	for _, id := range r.ids {
		if per[id] != 1 || starts[id] != 1 {
			t.Errorf("%s: %d results, started %d times; want 1 and 1", id, per[id], starts[id])
		}
	}
	t.Logf("SIGTERM: exit 0 in %v with %d/60 done and nothing pending; the next worker did the other %d; %d results, each task started once",
		stopTook.Round(time.Millisecond), doneAtStop, 60-doneAtStop, total)
}

func jsonUnmarshal(s string, v any) error {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	return dec.Decode(v)
}
