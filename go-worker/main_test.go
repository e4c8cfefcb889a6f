package worker_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/celestialflow/celestialflow-java/go-worker/internal/redistest"
)

// redisURL is the URL of the redis-server shared by the tests of this package; each test works
// in a graph of its own, so they do not see each other's keys.
var redisURL string

// redisPid is the shared redis-server's process id (benchmarks read its CPU time).
var redisPid int

func TestMain(m *testing.M) {
	srv, err := redistest.Launch()
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		os.Exit(1)
	}
	redisURL, redisPid = srv.URL, srv.Pid()
	// The examples read the address the way a real program would.
	os.Setenv("REDIS_URL", srv.URL)
	code := m.Run()
	srv.Stop()
	os.Exit(code)
}
