// Package protocol is the wire format the Go worker shares with the Java side, version 1 of the
// Redis bridge protocol (docs/protocol.md, protocol/message.schema.json and the golden vectors
// in protocol/vectors at the top of the repository): key names, the checks a worker makes on a
// task and their rejection codes, and the result, dead-letter and heartbeat records it writes.
// It knows nothing of Redis clients.
package protocol

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
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
	// KindResults is a pack of results (section 3.5), written by the commit script.
	KindResults = "results"
	KindEnd     = "end"
	KindDead    = "dead"
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
	Pack    bool            // the reply stream's reader reads packed results (section 3.5)
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

// taskMembers are the members a worker reads, each kept as its JSON text (nil when absent).
type taskMembers struct {
	V, Kind, ID, Graph, Stage, Run, Parents, Attempt, Payload, Reply, TTL, TS, Pack json.RawMessage
}

// ParseTask checks an entry read from the task stream of stage in graph, in the order of
// section 6 up to wrong_stream (bad_payload is the handler's to find, since it depends on the
// stage's type). A worker passes requireReply: without reply the result has nowhere to go.
func ParseTask(fields map[string]any, graph, stage string, requireReply bool) (Task, *Reject) {
	m, ok := fields[Field].(string)
	if !ok {
		return Task{}, &Reject{Code: CodeBadEntry, Reason: "the entry has no field m", Raw: entryText(fields)}
	}
	var tm taskMembers
	obj, err := object(m, &tm)
	if err != nil {
		return Task{}, &Reject{Code: CodeBadJSON, Reason: err.Error(), Raw: m}
	}
	// A member null counts as absent (as in Gson), except payload, where null is a value.
	for _, p := range [...]*json.RawMessage{&tm.V, &tm.Kind, &tm.ID, &tm.Graph, &tm.Stage, &tm.Run, &tm.Parents, &tm.Attempt, &tm.Reply, &tm.TTL, &tm.TS} {
		if string(*p) == "null" {
			*p = nil
		}
	}
	reject := func(code, format string, args ...any) (Task, *Reject) {
		r := &Reject{Code: code, Reason: fmt.Sprintf(format, args...), Object: obj,
			ID: str(tm.ID), Graph: str(tm.Graph), Stage: str(tm.Stage), Run: str(tm.Run), Reply: str(tm.Reply)}
		if a, ok := integer(tm.Attempt); ok && a >= 1 {
			r.Attempt = int(a)
		}
		return Task{}, r
	}

	switch n, isInt := integer(tm.V); {
	case tm.V == nil:
		return reject(CodeMissingField, "missing member v (the protocol version)")
	case !isInt:
		return reject(CodeBadField, "member v must be an integer, not %s", tm.V)
	case n != Version:
		return reject(CodeUnsupportedVersion, "unsupported protocol version %d (this worker reads %d)", n, Version)
	}
	switch k, isStr := strOK(tm.Kind); {
	case tm.Kind == nil:
		return reject(CodeMissingField, "missing member kind")
	case !isStr:
		return reject(CodeBadField, "member kind must be a string, not %s", tm.Kind)
	case k != KindTask && k != KindResult && k != KindResults && k != KindEnd && k != KindDead:
		return reject(CodeUnknownKind, "unknown kind %q", k)
	case k != KindTask:
		return reject(CodeUnexpectedKind, "a %q message on a task stream", k)
	}

	t := Task{Attempt: 1, Parents: []string{}, Object: obj}
	for _, f := range []struct {
		name string
		raw  json.RawMessage
		into *string
	}{{"id", tm.ID, &t.ID}, {"graph", tm.Graph, &t.Graph}, {"stage", tm.Stage, &t.Stage}, {"run", tm.Run, &t.Run}} {
		s, isStr := strOK(f.raw)
		switch {
		case f.raw == nil:
			return reject(CodeMissingField, "missing member %s", f.name)
		case !isStr || s == "":
			return reject(CodeBadField, "member %s must be a non-empty string, not %s", f.name, f.raw)
		}
		*f.into = s
	}
	if tm.Parents != nil && string(tm.Parents) != "[]" {
		if json.Unmarshal(tm.Parents, &t.Parents) != nil || t.Parents == nil {
			return reject(CodeBadField, "member parents must be an array of strings, not %s", tm.Parents)
		}
	}
	if tm.Attempt != nil {
		a, isInt := integer(tm.Attempt)
		if !isInt || a < 1 {
			return reject(CodeBadField, "member attempt must be an integer >= 1, not %s", tm.Attempt)
		}
		t.Attempt = int(a)
	}
	if tm.Payload == nil {
		return reject(CodeMissingField, "missing member payload")
	}
	t.Payload = tm.Payload
	if tm.Reply != nil {
		s, isStr := strOK(tm.Reply)
		if !isStr || s == "" {
			return reject(CodeBadField, "member reply must be a non-empty string, not %s", tm.Reply)
		}
		t.Reply = s
	} else if requireReply {
		return reject(CodeMissingField, "missing member reply (a worker has nowhere to send the result)")
	}
	if tm.TTL != nil {
		n, isInt := integer(tm.TTL)
		if !isInt || n < 1 {
			return reject(CodeBadField, "member ttl must be an integer >= 1, not %s", tm.TTL)
		}
		t.TTL = n
	}
	// Only a JSON true asks for packed results; anything else leaves the results single.
	t.Pack = t.Reply != "" && string(tm.Pack) == "true"
	if tm.TS == nil {
		return reject(CodeMissingField, "missing member ts")
	}
	ts, isInt := integer(tm.TS)
	if !isInt || ts < 0 {
		return reject(CodeBadField, "member ts must be an integer >= 0, not %s", tm.TS)
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

// object parses m, which must be a JSON object, into the members of tm: one validating pass
// (json.Valid), then one pass over the top-level members that keeps the JSON text of the ones a
// worker reads. Member names are matched exactly, as the protocol wants (encoding/json would
// also take "ID" for "id"); a name repeated counts once, the last one, as in encoding/json.
func object(m string, tm *taskMembers) (json.RawMessage, error) {
	b := []byte(m)
	if !json.Valid(b) {
		var x any
		return nil, fmt.Errorf("m is not valid JSON: %v", json.Unmarshal(b, &x))
	}
	i := skipSpace(b, 0)
	if b[i] != '{' {
		return nil, fmt.Errorf("m is not a JSON object: %.40s", m)
	}
	for i = skipSpace(b, i+1); b[i] != '}'; {
		kEnd := endOfString(b, i)
		key := b[i+1 : kEnd-1]
		if bytes.IndexByte(key, '\\') >= 0 {
			var k string
			_ = json.Unmarshal(b[i:kEnd], &k) // valid: checked above
			key = []byte(k)
		}
		i = skipSpace(b, skipSpace(b, kEnd)+1) // past ':'
		vEnd := endOfValue(b, i)
		tm.set(key, b[i:vEnd])
		if i = skipSpace(b, vEnd); b[i] == ',' {
			i = skipSpace(b, i+1)
		}
	}
	return b, nil
}

func (tm *taskMembers) set(key []byte, v json.RawMessage) {
	switch string(key) {
	case "v":
		tm.V = v
	case "kind":
		tm.Kind = v
	case "id":
		tm.ID = v
	case "graph":
		tm.Graph = v
	case "stage":
		tm.Stage = v
	case "run":
		tm.Run = v
	case "parents":
		tm.Parents = v
	case "attempt":
		tm.Attempt = v
	case "payload":
		tm.Payload = v
	case "reply":
		tm.Reply = v
	case "ttl":
		tm.TTL = v
	case "pack":
		tm.Pack = v
	case "ts":
		tm.TS = v
	}
}

// The scanners below run on text json.Valid has accepted.

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// endOfString returns the index just past the string that starts at b[i] == '"'.
func endOfString(b []byte, i int) int {
	for j := i + 1; ; j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
}

// endOfValue returns the index just past the value that starts at b[i].
func endOfValue(b []byte, i int) int {
	switch b[i] {
	case '"':
		return endOfString(b, i)
	case '{', '[':
		depth := 0
		for j := i; ; j++ {
			switch b[j] {
			case '"':
				j = endOfString(b, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1
				}
			}
		}
	default: // number, true, false, null
		j := i
		for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\t' && b[j] != '\n' && b[j] != '\r' {
			j++
		}
		return j
	}
}

// entryText writes an entry's fields as a JSON object's text (for the raw of a dead letter).
func entryText(fields map[string]any) string {
	b, err := json.Marshal(fields)
	if err != nil {
		return fmt.Sprint(fields)
	}
	return string(b)
}

// strOK reads a JSON string; the text is valid JSON already (it was parsed as part of m).
func strOK(raw json.RawMessage) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return "", false
	}
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1]), true // no escapes: the text is the string
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

func str(raw json.RawMessage) string { s, _ := strOK(raw); return s }

// integer reads a JSON integer exactly (no fraction, no exponent, within int64).
func integer(raw json.RawMessage) (int64, bool) {
	if len(raw) == 0 || (raw[0] != '-' && (raw[0] < '0' || raw[0] > '9')) {
		return 0, false
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	return n, err == nil
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
