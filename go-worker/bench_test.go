package worker_test

import (
	"bytes"
	"context"

	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	worker "github.com/celestialflow/celestialflow-java/go-worker"
	"github.com/celestialflow/celestialflow-java/go-worker/demo"
)

// BenchmarkNoop measures one worker's throughput on loopback with a handler that does nothing:
// the cost of the transport (batched XREADGROUP, decoding, the commit script that writes the
// results and acknowledges). The stream is filled first, then the worker drains it; tasks/s is
// what it sustains.
//
//	go test -run '^$' -bench Noop -benchtime 200000x
func BenchmarkNoop(b *testing.B) {
	for _, batch := range []int{64, 256} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			mux := worker.NewMux()
			worker.Handle(mux, "noop", demo.Noop)
			drain(b, mux, "noop", `{"n":1}`, worker.Options{BatchSize: batch})
		})
	}
}

// BenchmarkFib measures a CPU-heavy stage, naive Fibonacci of 27 (about 1 ms of one core), with
// one task per core at a time; compare with BenchmarkFibDirect, the same calls without Redis.
//
//	go test -run '^$' -bench Fib -benchtime 2000x
func BenchmarkFib(b *testing.B) {
	mux := worker.NewMux()
	worker.Handle(mux, "fib", demo.Fib)
	drain(b, mux, "fib", "27", worker.Options{Concurrency: runtime.GOMAXPROCS(0)})
}

// BenchmarkFibDirect is BenchmarkFib's work called directly, one goroutine per core.
func BenchmarkFibDirect(b *testing.B) {
	b.SetParallelism(1)
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			_, _ = demo.Fib(context.Background(), 27)
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "tasks/s")
}

// drain fills a stage's stream with b.N tasks, then times one worker emptying it.
func drain(b *testing.B, mux *worker.Mux, stage, payload string, o worker.Options) {
	e := newEnv(b)
	e.sendTasks(stage, "t", b.N, func(int) string { return payload })
	o.Logger = testLoggerAt(b, "warn")
	e.rdb.ConfigResetStat(context.Background())
	b.ResetTimer()
	start, cpu0, rcpu0 := time.Now(), processCPU(), redisCPU()
	r := e.start(mux, o)
	for e.length(e.reply(stage)) < int64(b.N) {
		time.Sleep(2 * time.Millisecond)
	}
	elapsed, cpu, rcpu := time.Since(start), processCPU()-cpu0, redisCPU()-rcpu0
	b.StopTimer()
	if err := r.stop(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "tasks/s")
	// CPU time per task, of this process (the worker) and of redis-server: unlike tasks/s,
	// hardly changed by other processes competing for the cores.
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "worker-cpu-µs/task")
	b.ReportMetric(float64(rcpu.Microseconds())/float64(b.N), "redis-cpu-µs/task")
	// Redis's own account of the time its commands took (INFO commandstats), per task.
	stats := e.rdb.Info(context.Background(), "commandstats").Val()
	var usec, evalUsec float64
	for _, line := range strings.Split(stats, "\n") {
		name, rest, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok || !strings.HasPrefix(name, "cmdstat_") {
			continue
		}
		for _, kv := range strings.Split(rest, ",") {
			if v, ok := strings.CutPrefix(kv, "usec="); ok {
				u, _ := strconv.ParseFloat(v, 64)
				usec += u
				if name == "cmdstat_evalsha" {
					evalUsec += u
				}
			}
		}
	}
	b.ReportMetric(usec/float64(b.N), "redis-cmd-µs/task")
	b.ReportMetric(evalUsec/float64(b.N), "commit-script-µs/task")
}

// processCPU is this process's CPU time (user + system).
func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// redisCPU is the shared redis-server's CPU time, from /proc (0 where there is none).
func redisCPU() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", redisPid))
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64) // utime and stime, fields 14 and 15, in clock ticks
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * time.Second / 100
}
