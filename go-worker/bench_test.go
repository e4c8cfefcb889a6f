package worker_test

import (
	"context"

	"fmt"
	"runtime"
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
	b.ResetTimer()
	start := time.Now()
	r := e.start(mux, o)
	for e.length(e.reply(stage)) < int64(b.N) {
		time.Sleep(2 * time.Millisecond)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	if err := r.stop(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "tasks/s")
}
