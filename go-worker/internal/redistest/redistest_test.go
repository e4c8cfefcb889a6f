package redistest

import (
	"strings"
	"syscall"
	"testing"
)

func TestStartAnswersAndStopKills(t *testing.T) {
	s := Start(t)
	if err := ping(s.Addr); err != nil {
		t.Fatalf("PING %s: %v", s.Addr, err)
	}
	if !strings.HasPrefix(s.URL, "redis://127.0.0.1:") {
		t.Errorf("URL = %q, want redis://127.0.0.1:<port>", s.URL)
	}
	s.Stop()
	s.Stop() // harmless twice
	if err := ping(s.Addr); err == nil {
		t.Errorf("server on %s still answers after Stop", s.Addr)
	}
	if err := syscall.Kill(s.Pid(), 0); err == nil {
		t.Errorf("redis-server pid %d still exists after Stop", s.Pid())
	}
}

func TestMissingBinaryFailsWithAClearMessage(t *testing.T) {
	t.Setenv("REDIS_SERVER", "redis-server-that-does-not-exist")
	_, err := Launch()
	if err == nil {
		t.Fatal("Launch with a missing binary: no error")
	}
	for _, want := range []string{"redis-server-that-does-not-exist", "apt-get install redis-server"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}
