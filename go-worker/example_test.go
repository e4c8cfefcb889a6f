package worker_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	worker "github.com/celestialflow/celestialflow-java/go-worker"
)

// A handler takes and returns typed values; 64-bit integers stay exact.
func ExampleHandle() {
	mux := worker.NewMux()
	worker.Handle(mux, "square", func(_ context.Context, n int64) (int64, error) {
		return n * n, nil
	})
	worker.Handle(mux, "inc", func(_ context.Context, n int64) (int64, error) {
		return n + 1, nil
	})

	// Mux.Call runs a handler the way the worker does, without Redis: handy in unit tests.
	out, _ := mux.Call(context.Background(), "square", []byte("3037000499"))
	fmt.Println(string(out))
	out, _ = mux.Call(context.Background(), "inc", []byte("9007199254740992"))
	fmt.Println(string(out))
	_, err := mux.Call(context.Background(), "inc", []byte(`"ten"`))
	var de *worker.DecodeError
	fmt.Println(errors.As(err, &de))
	// Output:
	// 9223372030926249001
	// 9007199254740993
	// true
}

// A splitter stage sends each element of its output on as a task of its own.
func ExampleHandleMany() {
	mux := worker.NewMux()
	worker.HandleMany(mux, "words", func(_ context.Context, s string) ([]string, error) {
		return strings.Fields(s), nil
	})
	out, _ := mux.Call(context.Background(), "words", []byte(`"to be or not"`))
	fmt.Println(string(out))
	// Output: ["to","be","or","not"]
}

// A handler names the type of its error for the Java side with *Error; other errors go by
// their Go type.
func ExampleError() {
	mux := worker.NewMux()
	worker.Handle(mux, "save", func(_ context.Context, path string) (struct{}, error) {
		return struct{}{}, &worker.Error{Type: "java.io.IOException", Message: "disk full: " + path}
	})
	_, err := mux.Call(context.Background(), "save", []byte(`"/data/x"`))
	fmt.Println(err)
	// Output: disk full: /data/x
}

// A worker serving one stage of graph "demo", and the Java side's part played by hand: a task
// appended to the stage's stream, its result read from the run's result stream.
func ExampleWorker() {
	url := os.Getenv("REDIS_URL") // e.g. redis://localhost:6379
	mux := worker.NewMux()
	worker.Handle(mux, "square", func(ctx context.Context, n int64) (int64, error) {
		task, _ := worker.TaskFrom(ctx)
		fmt.Printf("running %s (delivery %d)\n", task.ID, task.Delivery)
		return n * n, nil
	})
	ready := make(chan struct{})
	w, err := worker.New(mux, worker.Options{
		URL:   url,
		Graph: "example",
		Ready: func() { close(ready) },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- w.Run(ctx) }()
	<-ready

	// The Java side: XADD cf:{example}:square:tasks * m <task>, then read the reply stream.
	opt, _ := redis.ParseURL(url)
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	reply := "cf:{example}:square:results:run1"
	task := fmt.Sprintf(`{"v":1,"kind":"task","id":"t1","graph":"example","stage":"square","run":"run1",`+
		`"payload":12,"reply":%q,"ts":%d}`, reply, time.Now().UnixMilli())
	rdb.XAdd(ctx, &redis.XAddArgs{Stream: "cf:{example}:square:tasks", Values: []any{"m", task}})
	res, _ := rdb.XRead(ctx, &redis.XReadArgs{Streams: []string{reply, "0"}, Block: 5 * time.Second}).Result()
	m := res[0].Messages[0].Values["m"].(string)
	fmt.Println(strings.Contains(m, `"status":"ok","value":144`))

	stop()
	fmt.Println(<-done) // nil: a graceful stop
	// Output:
	// running t1 (delivery 1)
	// true
	// <nil>
}
