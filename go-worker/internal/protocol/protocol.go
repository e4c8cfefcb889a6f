// Package protocol is the wire format the Go worker shares with the Java side, version 1 of the
// Redis bridge protocol (docs/protocol.md, protocol/message.schema.json and the golden vectors
// in protocol/vectors at the top of the repository): key names, the checks a worker makes on a
// task and their rejection codes, and the result, dead-letter and heartbeat records it writes.
// It knows nothing of Redis clients.
package protocol

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// Version is the only message version this worker reads and writes ("v").
const Version = 1

// Field is the one field of every stream entry; its value is the JSON message.
const Field = "m"

// DefaultNamespace is the first part of every key unless configured otherwise.
const DefaultNamespace = "cf"

// Message kinds.
const (
	KindTask   = "task"
	KindResult = "result"
	KindEnd    = "end"
	KindDead   = "dead"
)

// Result statuses.
const (
	StatusOK    = "ok"
	StatusError = "error"
)

// Rejection codes (section 6), in the order the checks apply, and the dead-letter code of a
// task delivered too often.
const (
	CodeBadEntry           = "bad_entry"
	CodeBadJSON            = "bad_json"
	CodeMissingField       = "missing_field"
	CodeBadField           = "bad_field"
	CodeUnsupportedVersion = "unsupported_version"
	CodeUnknownKind        = "unknown_kind"
	CodeUnexpectedKind     = "unexpected_kind"
	CodeWrongStream        = "wrong_stream"
	CodeBadPayload         = "bad_payload"
	CodeMaxDeliveries      = "max_deliveries"
)

// The protocol's own error types, in error results written by workers.
const (
	ErrMalformedTask = "celestialflow.MalformedTask"
	ErrDeliveryLimit = "celestialflow.DeliveryLimitExceeded"
	ErrUnknownStage  = "celestialflow.UnknownStage"
)

var namespaceRE = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// ValidNamespace reports whether ns may be a key namespace: [A-Za-z0-9._-]+, used as is.
func ValidNamespace(ns string) bool { return namespaceRE.MatchString(ns) }

// Escape writes a graph or stage name for a key: every byte of its UTF-8 encoding outside
// A-Z a-z 0-9 . _ - becomes %XX (upper-case hex). The escaping is injective and leaves no ':',
// '{' or '}', so the parts of a key never run into each other.
func Escape(name string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-' {
			b.WriteByte(c)
		} else {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// Keys are the Redis keys of one stage of one graph. The escaped graph name is the cluster
// hash tag, so all keys of a graph live in one slot.
type Keys struct {
	Tasks   string // stream of tasks, read by the workers' consumer group
	Dead    string // dead-letter stream
	Workers string // hash: consumer name -> heartbeat JSON
	prefix  string
}

// StageKeys returns the keys of stage in graph under namespace ns.
func StageKeys(ns, graph, stage string) Keys {
	p := ns + ":{" + Escape(graph) + "}:" + Escape(stage) + ":"
	return Keys{Tasks: p + "tasks", Dead: p + "dead", Workers: p + "workers", prefix: p}
}

// Results is the key of the result stream of one graph run.
func (k Keys) Results(run string) string { return k.prefix + "results:" + run }

// Task is a task message that passed the checks, defaults applied.
type Task struct {
	ID      string
	Graph   string
	Stage   string
	Run     string
	Parents []string
	Attempt int
	Payload json.RawMessage
	Reply   string
	TTL     int64 // milliseconds; 0 when absent
	TS      int64
	Object  json.RawMessage // the whole message, for a dead letter if the payload is refused
}

// Reject is why an entry is not a task this worker can run, with what could be read of it for
// the dead letter and (when ID and Reply are known) the error result.
type Reject struct {
	Code   string
	Reason string

	Object json.RawMessage // the message, when m is a JSON object
	Raw    string          // otherwise m's text, or the entry's fields as a JSON object's text
	// Members read as strings from the message, "" when absent or not a string.
	ID, Graph, Stage, Run, Reply string
	Attempt                      int // 0 when absent or not a valid attempt
}

func (r *Reject) Error() string { return r.Code + ": " + r.Reason }

// ParseTask checks an entry read from the task stream of stage in graph, in the order of
// section 6 up to wrong_stream (bad_payload is the handler's to find, since it depends on the
// stage's type). A worker passes requireReply: without reply the result has nowhere to go.
func ParseTask(fields map[string]any, graph, stage string, requireReply bool) (Task, *Reject) {
	m, ok := fields[Field].(string)
	if !ok {
		r := &Reject{Code: CodeBadEntry, Reason: "the entry has no field m"}
		r.Raw = entryText(fields)
		return Task{}, r
	}
	r := &Reject{Raw: m}
	members, err := object(m)
	if err != nil {
		r.Code, r.Reason = CodeBadJSON, err.Error()
		return Task{}, r
	}
	r.Raw, r.Object = "", json.RawMessage(m)
	r.ID, r.Graph, r.Stage, r.Run, r.Reply = str(members["id"]), str(members["graph"]), str(members["stage"]), str(members["run"]), str(members["reply"])
	if a, ok := integer(members["attempt"]); ok && a >= 1 {
		r.Attempt = int(a)
	}
	reject := func(code, format string, args ...any) (Task, *Reject) {
		r.Code, r.Reason = code, fmt.Sprintf(format, args...)
		return Task{}, r
	}

	v, has := members["v"]
	switch n, isInt := integer(v); {
	case !has:
		return reject(CodeMissingField, "missing member v (the protocol version)")
	case !isInt:
		return reject(CodeBadField, "member v must be an integer, not %s", v)
	case n != Version:
		return reject(CodeUnsupportedVersion, "unsupported protocol version %d (this worker reads %d)", n, Version)
	}
	kind, has := members["kind"]
	switch k, isStr := strOK(kind); {
	case !has:
		return reject(CodeMissingField, "missing member kind")
	case !isStr:
		return reject(CodeBadField, "member kind must be a string, not %s", kind)
	case k != KindTask && k != KindResult && k != KindEnd && k != KindDead:
		return reject(CodeUnknownKind, "unknown kind %q", k)
	case k != KindTask:
		return reject(CodeUnexpectedKind, "a %q message on a task stream", k)
	}

	t := Task{Attempt: 1, Parents: []string{}, Object: json.RawMessage(m)}
	for _, f := range []struct {
		name string
		into *string
	}{{"id", &t.ID}, {"graph", &t.Graph}, {"stage", &t.Stage}, {"run", &t.Run}} {
		raw, has := members[f.name]
		s, isStr := strOK(raw)
		switch {
		case !has:
			return reject(CodeMissingField, "missing member %s", f.name)
		case !isStr || s == "":
			return reject(CodeBadField, "member %s must be a non-empty string, not %s", f.name, raw)
		}
		*f.into = s
	}
	if raw, has := members["parents"]; has {
		if json.Unmarshal(raw, &t.Parents) != nil || t.Parents == nil {
			return reject(CodeBadField, "member parents must be an array of strings, not %s", raw)
		}
	}
	if raw, has := members["attempt"]; has {
		a, isInt := integer(raw)
		if !isInt || a < 1 {
			return reject(CodeBadField, "member attempt must be an integer >= 1, not %s", raw)
		}
		t.Attempt = int(a)
	}
	payload, has := members["payload"]
	if !has {
		return reject(CodeMissingField, "missing member payload")
	}
	t.Payload = payload
	if raw, has := members["reply"]; has {
		s, isStr := strOK(raw)
		if !isStr || s == "" {
			return reject(CodeBadField, "member reply must be a non-empty string, not %s", raw)
		}
		t.Reply = s
	} else if requireReply {
		return reject(CodeMissingField, "missing member reply (a worker has nowhere to send the result)")
	}
	if raw, has := members["ttl"]; has {
		n, isInt := integer(raw)
		if !isInt || n < 1 {
			return reject(CodeBadField, "member ttl must be an integer >= 1, not %s", raw)
		}
		t.TTL = n
	}
	raw, has := members["ts"]
	if !has {
		return reject(CodeMissingField, "missing member ts")
	}
	ts, isInt := integer(raw)
	if !isInt || ts < 0 {
		return reject(CodeBadField, "member ts must be an integer >= 0, not %s", raw)
	}
	t.TS = ts
	if t.Graph != graph {
		return reject(CodeWrongStream, "a task of graph %q on the stream of graph %q", t.Graph, graph)
	}
	if t.Stage != stage {
		return reject(CodeWrongStream, "a task of stage %q on the stream of stage %q", t.Stage, stage)
	}
	return t, nil
}

// object parses m as a JSON object, keeping each member's JSON text. A member null counts as
// absent (as in Gson), except payload, where null is a value.
func object(m string) (map[string]json.RawMessage, error) {
	var members map[string]json.RawMessage
	if err := json.Unmarshal([]byte(m), &members); err != nil {
		if !json.Valid([]byte(m)) {
			return nil, fmt.Errorf("m is not valid JSON: %v", err)
		}
		return nil, fmt.Errorf("m is not a JSON object: %.40s", m)
	}
	if members == nil { // m was null
		return nil, fmt.Errorf("m is not a JSON object: %.40s", m)
	}
	for k, v := range members {
		if k != "payload" && string(v) == "null" {
			delete(members, k)
		}
	}
	return members, nil
}

// entryText writes an entry's fields as a JSON object's text (for the raw of a dead letter).
func entryText(fields map[string]any) string {
	b, err := json.Marshal(fields)
	if err != nil {
		return fmt.Sprint(fields)
	}
	return string(b)
}

func strOK(raw json.RawMessage) (string, bool) {
	var s string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

func str(raw json.RawMessage) string { s, _ := strOK(raw); return s }

// integer reads a JSON integer exactly (no fraction, no exponent, within int64).
func integer(raw json.RawMessage) (int64, bool) {
	var n json.Number
	if len(raw) == 0 || (raw[0] != '-' && (raw[0] < '0' || raw[0] > '9')) || json.Unmarshal(raw, &n) != nil {
		return 0, false
	}
	i, err := n.Int64()
	return i, err == nil
}

// Error is the error object of a result or a dead letter.
type Error struct {
	Type    string   `json:"type"`
	Types   []string `json:"types,omitempty"` // the worker always writes it; absent means [type]
	Message string   `json:"message"`
	Trace   string   `json:"trace"`
}

// Result is a result message, its members in the order the Java writer uses.
type Result struct {
	V        int               `json:"v"`
	Kind     string            `json:"kind"`
	ID       string            `json:"id"`
	Graph    string            `json:"graph"`
	Stage    string            `json:"stage"`
	Run      string            `json:"run"`
	Attempt  int               `json:"attempt,omitempty"`
	Status   string            `json:"status"`
	Value    json.RawMessage   `json:"value,omitempty"`
	Values   []json.RawMessage `json:"values,omitzero"` // nil: absent; empty: []
	Error    *Error            `json:"error,omitempty"`
	Worker   string            `json:"worker"`
	Lang     string            `json:"lang,omitempty"`
	Delivery int               `json:"delivery"`
	Started  int64             `json:"started"`
	Finished int64             `json:"finished"`
}

// Dead is a dead letter, its members in the order the Java writer uses.
type Dead struct {
	V          int             `json:"v"`
	Kind       string          `json:"kind"`
	Code       string          `json:"code"`
	Reason     string          `json:"reason"`
	Entry      string          `json:"entry"`
	Stream     string          `json:"stream"`
	Deliveries int             `json:"deliveries"`
	Worker     string          `json:"worker"`
	Message    json.RawMessage `json:"message,omitempty"` // m, when it was a JSON object
	Raw        *string         `json:"raw,omitempty"`     // otherwise its text (possibly "")
	Error      *Error          `json:"error,omitempty"`
	ID         string          `json:"id,omitempty"`
	Graph      string          `json:"graph,omitempty"`
	Stage      string          `json:"stage,omitempty"`
	Run        string          `json:"run,omitempty"`
	Reply      string          `json:"reply,omitempty"`
	TS         int64           `json:"ts"`
}

// Heartbeat is a worker's record in a stage's workers hash.
type Heartbeat struct {
	V         int      `json:"v"`
	Consumer  string   `json:"consumer"`
	Group     string   `json:"group"`
	TS        int64    `json:"ts"`
	Started   int64    `json:"started"`
	Interval  int64    `json:"interval"`
	PID       int      `json:"pid"`
	Host      string   `json:"host"`
	Lang      string   `json:"lang"`
	Inflight  int64    `json:"inflight"`
	Processed int64    `json:"processed"`
	Failed    int64    `json:"failed"`
	Stages    []string `json:"stages"`
}

// Encode writes a message or record as compact JSON, members in declaration order, non-ASCII
// text raw and no HTML escaping: the form the Java writer produces.
func Encode(v any) ([]byte, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return []byte(strings.TrimSuffix(b.String(), "\n")), nil
}
