// Package redistest starts a real redis-server for tests: on a free loopback port, with no
// persistence, stopped when the test ends (also when it fails or panics), and killed by the
// kernel if the test binary itself dies first.
//
// A missing redis-server is a test failure, not a skip: the worker's delivery guarantees are
// only worth something when they were checked against the real server, so CI must install it
// (Debian: apt-get install redis-server).
package redistest

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Binary is the redis-server executable the harness runs. The environment variable
// REDIS_SERVER overrides it.
var Binary = "redis-server"

// Server is one running redis-server.
type Server struct {
	// Addr is host:port on 127.0.0.1.
	Addr string
	// URL is Addr as a redis:// URL, the form the worker's options take.
	URL string

	cmd    *exec.Cmd
	path   string
	port   int
	exited chan struct{}
	log    *syncBuffer
	once   sync.Once
}

// Start starts a redis-server for tb and stops it in tb's cleanup. It fails tb (never skips)
// when redis-server cannot be found or does not come up.
func Start(tb testing.TB) *Server {
	tb.Helper()
	s, err := Launch()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Stop)
	return s
}

// Launch starts a redis-server outside a test (for TestMain); the caller must call Stop.
func Launch() (*Server, error) {
	bin := Binary
	if env := os.Getenv("REDIS_SERVER"); env != "" {
		bin = env
	}
	path, err := exec.LookPath(bin)
	if err != nil {
		return nil, fmt.Errorf("redistest: %s not found (%v): the Go worker's tests need a real "+
			"redis-server on PATH (Debian/Ubuntu: apt-get install redis-server; or set REDIS_SERVER)", bin, err)
	}
	// A port picked from a closed listener can be taken by someone else before redis binds it:
	// try a few times.
	var lastErr error
	for range 5 {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		s, err := launch(path, port)
		if err == nil {
			return s, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

func launch(path string, port int) (*Server, error) {
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	s := &Server{Addr: addr, URL: "redis://" + addr, path: path, port: port, exited: make(chan struct{}), log: &syncBuffer{}}
	s.cmd = exec.Command(path,
		"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no",
		"--daemonize", "no", "--loglevel", "warning", "--logfile", "")
	s.cmd.Stdout = s.log
	s.cmd.Stderr = s.log
	// The kernel kills the server if the test process dies without running its cleanups
	// (go test's timeout panic, kill -9).
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("redistest: starting %s: %w", path, err)
	}
	go func() { _ = s.cmd.Wait(); close(s.exited) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if err := ping(addr); err == nil {
			return s, nil
		}
		select {
		case <-s.exited:
			return nil, fmt.Errorf("redistest: redis-server on %s exited at start: %s", addr, s.log.String())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.Stop()
			return nil, fmt.Errorf("redistest: redis-server on %s did not answer PING within 10s: %s", addr, s.log.String())
		}
	}
}

// Stop stops the server and waits for it to exit; calling it again does nothing.
func (s *Server) Stop() {
	s.once.Do(func() {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(5 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.exited
		}
	})
}

// Restart stops the server and starts a new one on the same port: without persistence, an empty
// one, as after a crash. The Server then stands for the new process.
func (s *Server) Restart() error {
	s.Stop()
	n, err := launch(s.path, s.port)
	if err != nil {
		return err
	}
	s.cmd, s.exited, s.log, s.once = n.cmd, n.exited, n.log, sync.Once{}
	return nil
}

// Pid is the server's process id.
func (s *Server) Pid() int { return s.cmd.Process.Pid }

func ping(addr string) error {
	c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if line != "+PONG\r\n" {
		return fmt.Errorf("PING answered %q", line)
	}
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("redistest: no free loopback port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
