package worker

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/celestialflow/celestialflow-java/go-worker/internal/protocol"
)

// The shared golden vectors of the protocol (../protocol, the same files the Java tests read).
const protocolDir = "../protocol"

// vector is one file of protocol/vectors (docs/protocol.md, section 8).
type vector struct {
	Name    string `json:"name"`
	Context struct {
		Stream      string `json:"stream"`
		Graph       string `json:"graph"`
		Stage       string `json:"stage"`
		PayloadType string `json:"payloadType"`
		ValueType   string `json:"valueType"`
	} `json:"context"`
	Fields    map[string]any  `json:"fields"`
	Canonical bool            `json:"canonical"`
	Expect    json.RawMessage `json:"expect"`
	Reject    *struct {
		Code   string `json:"code"`
		Reason string `json:"reason"`
	} `json:"reject"`
}

func loadVectors(t *testing.T) []vector {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(protocolDir, "vectors", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no vectors in %s/vectors (err %v): the protocol folder must sit next to go-worker", protocolDir, err)
	}
	sort.Strings(files)
	var vs []vector
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v vector
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber() // the vector files hold integers beyond 2^53 too
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if v.Name != strings.TrimSuffix(filepath.Base(f), ".json") {
			t.Errorf("%s: name %q does not match the file", f, v.Name)
		}
		vs = append(vs, v)
	}
	return vs
}

// typedMux has one identity handler per payload type of section 8, the stage named after the
// type: decoding a payload through it is exactly what a Go handler of that type sees.
func typedMux() *Mux {
	m := NewMux()
	Handle(m, "int64", identity[int64])
	Handle(m, "float64", identity[float64])
	Handle(m, "string", identity[string])
	Handle(m, "bool", identity[bool])
	Handle(m, "list<int64>", identity[[]int64])
	Handle(m, "list<string>", identity[[]string])
	Handle(m, "map<string,int64>", identity[map[string]int64])
	Handle(m, "json", identity[any])
	return m
}

func identity[T any](_ context.Context, v T) (T, error) { return v, nil }

// TestVectors checks the worker's reading and writing against every golden vector: a task
// stream's entries are checked in the order of section 6 and their payloads decoded into the
// vector's Go type; results and dead letters (what the worker writes) re-encode byte for byte
// as the Java writer does.
func TestVectors(t *testing.T) {
	mux := typedMux()
	for _, v := range loadVectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			switch v.Context.Stream {
			case "tasks", "source":
				checkTaskVector(t, mux, v)
			case "results":
				if v.Reject != nil {
					t.Skipf("a graph-side check (%s): the worker writes results, it never reads them", v.Reject.Code)
				}
				checkWritten[protocol.Result](t, v)
			case "dead":
				checkWritten[protocol.Dead](t, v)
			default:
				t.Fatalf("unknown context.stream %q", v.Context.Stream)
			}
		})
	}
}

func checkTaskVector(t *testing.T, mux *Mux, v vector) {
	worker := v.Context.Stream == "tasks"
	task, rej := protocol.ParseTask(v.Fields, v.Context.Graph, v.Context.Stage, worker)
	if !worker {
		if m, _ := v.Fields["m"].(string); strings.Contains(m, `"kind":"end"`) {
			// An end marker: workers never see one; on a task stream it is unexpected_kind.
			if _, wrej := protocol.ParseTask(v.Fields, v.Context.Graph, v.Context.Stage, true); wrej == nil || wrej.Code != protocol.CodeUnexpectedKind {
				t.Errorf("end marker read as a task: rejection %v, want unexpected_kind", wrej)
			}
			return
		}
		// A hand-off task: valid without reply, but a worker refuses it (nowhere to reply).
		if _, wrej := protocol.ParseTask(v.Fields, v.Context.Graph, v.Context.Stage, true); v.Reject == nil && task.Reply == "" &&
			(wrej == nil || wrej.Code != protocol.CodeMissingField) {
			t.Errorf("a worker reading it: rejection %v, want missing_field (no reply)", wrej)
		}
	}
	if v.Reject != nil && v.Reject.Code != protocol.CodeBadPayload {
		if rej == nil {
			t.Fatalf("accepted; want rejection %s", v.Reject.Code)
		}
		if rej.Code != v.Reject.Code {
			t.Errorf("code %s (%s), want %s", rej.Code, rej.Reason, v.Reject.Code)
		}
		if !strings.Contains(rej.Reason, v.Reject.Reason) {
			t.Errorf("reason %q does not mention %q", rej.Reason, v.Reject.Reason)
		}
		return
	}
	if rej != nil {
		t.Fatalf("rejected: %v", rej)
	}
	value, err := mux.Call(context.Background(), v.Context.PayloadType, task.Payload)
	if v.Reject != nil { // bad_payload: the handler's decoding refuses it
		var de *DecodeError
		if !errors.As(err, &de) {
			t.Fatalf("payload decoded (%s, err %v); want a *DecodeError (bad_payload)", value, err)
		}
		if !strings.Contains(de.Error(), v.Reject.Reason) {
			t.Errorf("reason %q does not mention %q", de.Error(), v.Reject.Reason)
		}
		return
	}
	if err != nil {
		t.Fatalf("payload as %s: %v", v.Context.PayloadType, err)
	}
	var want struct {
		ID      string          `json:"id"`
		Graph   string          `json:"graph"`
		Stage   string          `json:"stage"`
		Run     string          `json:"run"`
		Parents []string        `json:"parents"`
		Attempt int             `json:"attempt"`
		Payload json.RawMessage `json:"payload"`
		Reply   *string         `json:"reply"`
		TTL     *int64          `json:"ttl"`
		Pack    bool            `json:"pack"`
		TS      int64           `json:"ts"`
	}
	if err := json.Unmarshal(v.Expect, &want); err != nil {
		t.Fatal(err)
	}
	got := []any{task.ID, task.Graph, task.Stage, task.Run, task.Parents, task.Attempt, task.Reply, task.TTL, task.TS, task.Pack}
	exp := []any{want.ID, want.Graph, want.Stage, want.Run, want.Parents, want.Attempt, deref(want.Reply), deref(want.TTL), want.TS, want.Pack}
	if !reflect.DeepEqual(got, exp) {
		t.Errorf("task\n got %v\nwant %v", got, exp)
	}
	if !jsonEqual(value, want.Payload) {
		t.Errorf("payload as %s round-trips to %s, want %s", v.Context.PayloadType, value, want.Payload)
	}
}

// checkWritten decodes a message the worker writes (result or dead letter) into the type the
// worker writes it with, compares it with expect (defaults applied) and, for canonical vectors,
// checks that encoding it again gives the Java writer's bytes.
func checkWritten[M any](t *testing.T, v vector) {
	m, _ := v.Fields["m"].(string)
	dec := json.NewDecoder(strings.NewReader(m))
	dec.UseNumber()
	var msg M
	if err := dec.Decode(&msg); err != nil {
		t.Fatal(err)
	}
	again, err := protocol.Encode(msg)
	if err != nil {
		t.Fatal(err)
	}
	if v.Canonical && string(again) != m {
		t.Errorf("encoding differs from the Java writer's\n got %s\nwant %s", again, m)
	}
	// Compare with expect: absent members are null there; defaults fill the error object.
	got := map[string]any{}
	if err := unmarshalExact(again, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{}
	if err := unmarshalExact(v.Expect, &want); err != nil {
		t.Fatal(err)
	}
	for k, w := range want {
		g, ok := got[k]
		if w == nil {
			if ok {
				t.Errorf("member %s = %v, want absent", k, g)
			}
			continue
		}
		if k == "error" && ok {
			e := g.(map[string]any)
			defaultTo(e, "types", []any{e["type"]})
			defaultTo(e, "message", "")
			defaultTo(e, "trace", "")
		}
		if k == "attempt" && !ok {
			g, ok = json.Number("1"), true
		}
		gb, _ := json.Marshal(g)
		wb, _ := json.Marshal(w)
		if !ok || !jsonEqual(gb, wb) {
			t.Errorf("member %s = %s, want %s", k, gb, wb)
		}
	}
}

func defaultTo(m map[string]any, k string, v any) {
	if _, ok := m[k]; !ok {
		m[k] = v
	}
}

func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

func unmarshalExact(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec.Decode(v)
}

// jsonEqual compares two JSON texts as values, numbers by exact decimal value (1.5e300 equals
// 1.5e+300; 9007199254740993 differs from 9007199254740992).
func jsonEqual(a, b []byte) bool {
	var x, y any
	if unmarshalExact(a, &x) != nil || unmarshalExact(b, &y) != nil {
		return false
	}
	return valueEqual(x, y)
}

func valueEqual(x, y any) bool {
	switch x := x.(type) {
	case json.Number:
		y, ok := y.(json.Number)
		if !ok {
			return false
		}
		rx, okx := new(big.Rat).SetString(string(x))
		ry, oky := new(big.Rat).SetString(string(y))
		return okx && oky && rx.Cmp(ry) == 0
	case []any:
		y, ok := y.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !valueEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := y.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			if w, ok := y[k]; !ok || !valueEqual(v, w) {
				return false
			}
		}
		return true
	default:
		return x == y
	}
}

// TestKeys checks key names against protocol/keys.json.
func TestKeys(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(protocolDir, "keys.json"))
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Cases []struct {
			Namespace, Graph, Stage, Run  string
			EscapedGraph, EscapedStage    string
			Tasks, Results, Dead, Workers string
		}
	}
	if err := json.Unmarshal(b, &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Cases) == 0 {
		t.Fatal("no cases in keys.json")
	}
	for _, c := range file.Cases {
		t.Run(c.Graph+"/"+c.Stage, func(t *testing.T) {
			k := protocol.StageKeys(c.Namespace, c.Graph, c.Stage)
			got := []string{protocol.Escape(c.Graph), protocol.Escape(c.Stage), k.Tasks, k.Results(c.Run), k.Dead, k.Workers}
			want := []string{c.EscapedGraph, c.EscapedStage, c.Tasks, c.Results, c.Dead, c.Workers}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("\n got %q\nwant %q", got, want)
			}
		})
	}
}
