package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string // fmt of the parsed fields, or "error: <substring>"
	}{
		{"zero values stay zero (the worker fills the defaults)", []string{"-graph", "g"}, nil,
			"url= ns= graph=g stages=[] group= consumer= conc=0 batch=0 idle=0s maxdel=0 cap=0 timeout=0s hb=0s stop=0s level=INFO json=false ready="},
		{"every flag", []string{"-redis", "redis://h:1", "-namespace", "app", "-graph", "g", "-stages", "fib, sha", "-group", "gr",
			"-consumer", "c", "-concurrency", "8", "-batch", "32", "-claim-idle", "5s", "-max-deliveries", "3", "-dead-cap", "10",
			"-task-timeout", "1500", "-heartbeat", "250ms", "-shutdown-timeout", "1m", "-log-level", "debug", "-log-format", "json",
			"-ready-file", "/tmp/r"}, nil,
			"url=redis://h:1 ns=app graph=g stages=[fib sha] group=gr consumer=c conc=8 batch=32 idle=5s maxdel=3 cap=10 timeout=1.5s hb=250ms stop=1m0s level=DEBUG json=true ready=/tmp/r"},
		{"environment", nil, map[string]string{"CF_GRAPH": "eg", "CF_REDIS_URL": "redis://e:2", "CF_CONCURRENCY": "3",
			"CF_CLAIM_IDLE": "750", "CF_STAGES": "noop", "CF_LOG_LEVEL": "warn", "CF_READY_FILE": "/tmp/e"},
			"url=redis://e:2 ns= graph=eg stages=[noop] group= consumer= conc=3 batch=0 idle=750ms maxdel=0 cap=0 timeout=0s hb=0s stop=0s level=WARN json=false ready=/tmp/e"},
		{"a flag wins over its variable", []string{"-graph", "flag", "-concurrency", "2"}, map[string]string{"CF_GRAPH": "env", "CF_CONCURRENCY": "9"},
			"url= ns= graph=flag stages=[] group= consumer= conc=2 batch=0 idle=0s maxdel=0 cap=0 timeout=0s hb=0s stop=0s level=INFO json=false ready="},
		{"no graph", nil, nil, "error: no graph"},
		{"bad number in a variable", []string{"-graph", "g"}, map[string]string{"CF_BATCH": "many"}, `error: $CF_BATCH="many"`},
		{"bad duration", []string{"-graph", "g", "-claim-idle", "soon"}, nil, "error: not a duration"},
		{"bad level", []string{"-graph", "g", "-log-level", "loud"}, nil, "error: -log-level"},
		{"bad format", []string{"-graph", "g", "-log-format", "xml"}, nil, "error: -log-format"},
		{"stray argument", []string{"-graph", "g", "fib"}, nil, `error: unexpected argument "fib"`},
		{"unknown flag", []string{"-graph", "g", "-speed", "9"}, nil, "error: flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var usage bytes.Buffer
			c, err := parseConfig(tt.args, func(k string) string { return tt.env[k] }, &usage)
			got := ""
			if err != nil {
				got = "error: " + err.Error()
			} else {
				o := c.opts
				got = fmt.Sprintf("url=%s ns=%s graph=%s stages=%v group=%s consumer=%s conc=%d batch=%d idle=%v maxdel=%d cap=%d timeout=%v hb=%v stop=%v level=%v json=%v ready=%s",
					o.URL, o.Namespace, o.Graph, o.Stages, o.Group, o.Consumer, o.Concurrency, o.BatchSize, o.ClaimIdle, o.MaxDeliveries,
					o.DeadCap, o.TaskTimeout, o.HeartbeatInterval, o.ShutdownTimeout, c.logLevel, c.logJSON, c.readyFile)
			}
			if want, ok := strings.CutPrefix(tt.want, "error: "); ok {
				if !strings.HasPrefix(got, "error: ") || !strings.Contains(got, want) {
					t.Errorf("got %q, want an %q", got, tt.want)
				}
				return
			}
			if got != tt.want {
				t.Errorf("\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestHelpExitsZeroAndListsEveryVariable(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(t.Context(), []string{"-h"}, func(string) string { return "" }, &out, &errb); code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, v := range []string{"CF_REDIS_URL", "CF_NAMESPACE", "CF_GRAPH", "CF_STAGES", "CF_GROUP", "CF_CONSUMER", "CF_CONCURRENCY",
		"CF_BATCH", "CF_CLAIM_IDLE", "CF_MAX_DELIVERIES", "CF_DEAD_CAP", "CF_TASK_TIMEOUT", "CF_HEARTBEAT", "CF_SHUTDOWN_TIMEOUT",
		"CF_LOG_LEVEL", "CF_LOG_FORMAT", "CF_READY_FILE"} {
		if !strings.Contains(errb.String(), "$"+v) {
			t.Errorf("usage does not mention $%s", v)
		}
	}
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		out  string
	}{
		{"usage error", []string{"-batch", "x"}, 2, ""},
		{"no graph", nil, 2, ""},
		{"unknown stage", []string{"-graph", "g", "-stages", "nope"}, 2, ""},
		{"list", []string{"-list"}, 0, "fail\nfib\nnoop\nsha\nsleep\nsum\nupper\n"},
		{"redis unreachable", []string{"-graph", "g", "-redis", "redis://127.0.0.1:1"}, 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(t.Context(), tt.args, func(string) string { return "" }, &out, &errb)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, errb.String())
			}
			if tt.out != "" && strings.ReplaceAll(out.String(), "count\n", "") != tt.out {
				t.Errorf("stdout %q, want %q", out.String(), tt.out)
			}
		})
	}
}

func TestMillis(t *testing.T) {
	for in, want := range map[string]time.Duration{"0": 0, "250": 250 * time.Millisecond, "1.5s": 1500 * time.Millisecond, "2m": 2 * time.Minute} {
		var m millis
		if err := m.Set(in); err != nil || time.Duration(m) != want {
			t.Errorf("Set(%q) = %v, %v; want %v", in, time.Duration(m), err, want)
		}
	}
	var m millis
	if err := m.Set("-"); err == nil {
		t.Error(`Set("-"): no error`)
	}
}
