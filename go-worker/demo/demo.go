// Package demo holds the handlers the cfworker binary serves out of the box, so the Java side can
// test and benchmark against a Go worker without writing Go: fib and sha for CPU-heavy work,
// noop for the transport's own cost, and a few small ones that show the payload rules.
//
// Stage names and payloads (JSON in, JSON out):
//
//	noop   any value        -> the same value, unparsed
//	upper  "text"           -> "TEXT"
//	fib    30               -> 832040 (naive recursion; n in 0..92)
//	sha    {"data":"a","rounds":1000} -> SHA-256 applied rounds times, as hex
//	sum    [1, 2, 3]        -> 6 (int64, exact; overflow is an error)
//	sleep  250              -> 250, after sleeping that many milliseconds (cancellable)
//	fail   "message"        -> an error result of type "demo.Failure" with that message
package demo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	worker "github.com/celestialflow/celestialflow-java/go-worker"
)

// Register adds every demo handler to m.
func Register(m *worker.Mux) {
	worker.Handle(m, "noop", Noop)
	worker.Handle(m, "upper", Upper)
	worker.Handle(m, "fib", Fib)
	worker.Handle(m, "sha", Sha)
	worker.Handle(m, "sum", Sum)
	worker.Handle(m, "sleep", Sleep)
	worker.Handle(m, "fail", Fail)
}

// Noop returns its payload as it came.
func Noop(_ context.Context, v json.RawMessage) (json.RawMessage, error) { return v, nil }

// Upper returns s in upper case.
func Upper(_ context.Context, s string) (string, error) { return strings.ToUpper(s), nil }

// Fib computes the n-th Fibonacci number by naive recursion: the point is to burn CPU the same
// way a Java stage doing the same would. n above 92 overflows int64 and is refused.
func Fib(_ context.Context, n int) (int64, error) {
	if n < 0 || n > 92 {
		return 0, fmt.Errorf("fib: n = %d is outside 0..92", n)
	}
	return fib(n), nil
}

func fib(n int) int64 {
	if n < 2 {
		return int64(n)
	}
	return fib(n-1) + fib(n-2)
}

// ShaTask is the payload of the sha stage.
type ShaTask struct {
	Data   string `json:"data"`
	Rounds int    `json:"rounds"`
}

// Sha hashes Data with SHA-256, then hashes the 32-byte digest again, Rounds times in all (at
// least once), and returns the last digest in hex. It stops early when ctx is done.
func Sha(ctx context.Context, t ShaTask) (string, error) {
	if t.Rounds < 0 {
		return "", fmt.Errorf("sha: rounds = %d is negative", t.Rounds)
	}
	sum := sha256.Sum256([]byte(t.Data))
	for i := 1; i < t.Rounds; i++ {
		if i%4096 == 0 && ctx.Err() != nil {
			return "", context.Cause(ctx)
		}
		sum = sha256.Sum256(sum[:])
	}
	return hex.EncodeToString(sum[:]), nil
}

// Sum adds 64-bit integers exactly; it fails rather than wrap around.
func Sum(_ context.Context, xs []int64) (int64, error) {
	var s int64
	for _, x := range xs {
		if (x > 0 && s > math.MaxInt64-x) || (x < 0 && s < math.MinInt64-x) {
			return 0, errors.New("sum: int64 overflow")
		}
		s += x
	}
	return s, nil
}

// Sleep waits ms milliseconds, or until ctx is done, and returns ms.
func Sleep(ctx context.Context, ms int64) (int64, error) {
	t := time.NewTimer(time.Duration(ms) * time.Millisecond)
	defer t.Stop()
	select {
	case <-t.C:
		return ms, nil
	case <-ctx.Done():
		return 0, context.Cause(ctx)
	}
}

// Failure is the error Fail returns.
type Failure struct{ Message string }

func (f *Failure) Error() string { return f.Message }

// Fail returns a *Failure with the given message: a way to test the error path.
func Fail(_ context.Context, message string) (struct{}, error) {
	return struct{}{}, &Failure{Message: message}
}
