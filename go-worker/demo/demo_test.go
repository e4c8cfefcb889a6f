package demo_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	worker "github.com/celestialflow/celestialflow-java/go-worker"
	"github.com/celestialflow/celestialflow-java/go-worker/demo"
)

func TestHandlers(t *testing.T) {
	mux := worker.NewMux()
	demo.Register(mux)
	tests := []struct {
		stage, payload, want string // want: the output JSON, or "error: <substring>"
	}{
		{"noop", `{"a":[1,9007199254740993]}`, `{"a":[1,9007199254740993]}`},
		{"upper", `"héllo <b>"`, `"HÉLLO <B>"`},
		{"fib", `0`, `0`},
		{"fib", `1`, `1`},
		{"fib", `20`, `6765`},
		{"fib", `-1`, "error: outside 0..92"},
		{"fib", `93`, "error: outside 0..92"},
		{"fib", `"x"`, "error: payload does not decode as int"},
		{"sha", `{"data":"abc","rounds":1}`, `"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"`},
		{"sha", `{"data":"abc","rounds":2}`, `"4f8b42c22dd3729b519ba6f68d2da7cc5b2d606d05daed5ad5128cc03e6c6358"`},
		{"sha", `{"data":"abc","rounds":-1}`, "error: negative"},
		{"sum", `[1,2,9007199254740990]`, `9007199254740993`},
		{"sum", `[]`, `0`},
		{"sum", `[9223372036854775807,1]`, "error: overflow"},
		{"sum", `[-9223372036854775808,-1]`, "error: overflow"},
		{"sleep", `1`, `1`},
		{"fail", `"no luck"`, "error: no luck"},
	}
	for _, tt := range tests {
		t.Run(tt.stage+" "+tt.payload, func(t *testing.T) {
			out, err := mux.Call(context.Background(), tt.stage, []byte(tt.payload))
			got := string(out)
			if err != nil {
				got = "error: " + err.Error()
			}
			if want, isErr := strings.CutPrefix(tt.want, "error: "); isErr {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("got %s, want an error containing %q", got, want)
				}
			} else if got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestSleepAndShaStopWithTheirContext(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := demo.Sleep(ctx, 60_000); err == nil || time.Since(start) > 5*time.Second {
		t.Errorf("Sleep: %v after %v, want the context's error at once", err, time.Since(start))
	}
	if _, err := demo.Sha(ctx, demo.ShaTask{Data: "x", Rounds: 1 << 40}); err == nil {
		t.Error("Sha with a done context and 2^40 rounds: no error")
	}
}

func TestFailHasItsOwnType(t *testing.T) {
	_, err := demo.Fail(context.Background(), "m")
	if got := fmt.Sprintf("%T", err); got != "*demo.Failure" {
		t.Errorf("type %s, want *demo.Failure (the type the Java side sees)", got)
	}
}

func ExampleFib() {
	n, _ := demo.Fib(context.Background(), 30)
	fmt.Println(n)
	// Output: 832040
}

func ExampleSha() {
	h, _ := demo.Sha(context.Background(), demo.ShaTask{Data: "abc", Rounds: 1})
	fmt.Println(h)
	// Output: ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
}
