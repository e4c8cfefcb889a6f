package worker

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"runtime/debug"
	"slices"
	"sync"
)

// Mux maps stage names to handlers. Register typed functions with Handle; one Mux can serve many
// stages, and one binary many handlers. A Mux is safe for concurrent use, and its zero value is
// ready (like http.ServeMux).
type Mux struct {
	mu       sync.RWMutex
	handlers map[string]handler
}

// NewMux returns an empty Mux.
func NewMux() *Mux { return &Mux{} }

// handler prepares one task: it decodes the payload (an error here is the protocol's
// bad_payload: the task is dead-lettered, not run) and returns the call that runs it.
type handler func(payload json.RawMessage) (call, error)

// call runs a prepared task.
type call func(ctx context.Context) (output, error)

// output is a handler's result before it goes into a result message: one value (map stage),
// several (splitter stage), or none (consumer stage).
type output struct {
	value  json.RawMessage
	values []json.RawMessage
	many   bool
}

// Handle registers fn as the handler of stage (a map stage: one output per task). The task's
// payload is decoded into In with numbers kept exact: an int64 gets every digit, and a number
// inside an interface value (any, map[string]any) arrives as json.Number, never as a float64.
// A json.RawMessage In receives the payload unparsed. Out is encoded as JSON; an Out of type
// struct{} makes a consumer stage, whose results carry no value.
//
// The handler's ctx is cancelled when Options.TaskTimeout passes, when the worker's shutdown
// timeout runs out, or when another worker has taken the task over; TaskFrom(ctx) tells which
// task it is. A returned error or a panic makes an error result (see Error for naming the
// error's type). A payload that does not decode into In is the protocol's bad_payload: the task
// goes to the dead-letter stream and the graph gets an error result.
//
// Handle panics if stage is empty or already has a handler: both are programming errors, found
// the first time the binary starts.
func Handle[In, Out any](m *Mux, stage string, fn func(ctx context.Context, in In) (Out, error)) {
	if fn == nil {
		panic("worker: Handle(" + stage + "): nil function")
	}
	_, consumer := any(*new(Out)).(struct{})
	m.register(stage, func(payload json.RawMessage) (call, error) {
		in, err := decode[In](payload)
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (output, error) {
			out, err := fn(ctx, in)
			if err != nil || consumer {
				return output{}, err
			}
			v, err := encode(out)
			return output{value: v}, err
		}, nil
	})
}

// HandleMany registers fn as the handler of stage, a splitter stage: each element of the
// returned slice goes downstream as a task of its own, in order (an empty or nil slice sends
// nothing on). Decoding, errors and panics are as for Handle.
func HandleMany[In, Out any](m *Mux, stage string, fn func(ctx context.Context, in In) ([]Out, error)) {
	if fn == nil {
		panic("worker: HandleMany(" + stage + "): nil function")
	}
	m.register(stage, func(payload json.RawMessage) (call, error) {
		in, err := decode[In](payload)
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) (output, error) {
			outs, err := fn(ctx, in)
			if err != nil {
				return output{}, err
			}
			vs := make([]json.RawMessage, len(outs))
			for i, o := range outs {
				if vs[i], err = encode(o); err != nil {
					return output{}, err
				}
			}
			return output{values: vs, many: true}, nil
		}, nil
	})
}

func (m *Mux) register(stage string, h handler) {
	if stage == "" {
		panic("worker: empty stage name")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, dup := m.handlers[stage]; dup {
		panic(fmt.Sprintf("worker: stage %q already has a handler", stage))
	}
	if m.handlers == nil {
		m.handlers = make(map[string]handler)
	}
	m.handlers[stage] = h
}

// Stages returns the names of the stages with a handler, sorted.
func (m *Mux) Stages() []string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	names := make([]string, 0, len(m.handlers))
	for s := range m.handlers {
		names = append(names, s)
	}
	slices.Sort(names)
	return names
}

func (m *Mux) lookup(stage string) (handler, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	h, ok := m.handlers[stage]
	return h, ok
}

// Call runs the handler of stage on one JSON payload, exactly as the worker would (decoding,
// encoding and panic recovery included) but without Redis: a way to unit-test handlers. It
// returns the output as JSON: the value of a map stage, a JSON array of the values of a
// splitter, nothing for a consumer. A stage without handler gives ErrUnknownStage, a payload
// that does not decode a *DecodeError.
func (m *Mux) Call(ctx context.Context, stage string, payload []byte) ([]byte, error) {
	h, ok := m.lookup(stage)
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownStage, stage)
	}
	c, err := prepare(h, payload)
	if err != nil {
		return nil, err
	}
	out, err := invoke(ctx, c)
	if err != nil {
		return nil, err
	}
	if out.many {
		return encode(out.values)
	}
	return out.value, nil
}

// prepare decodes a payload for h; a panic in a decoder (a custom UnmarshalJSON) is a decoding
// failure too.
func prepare(h handler, payload json.RawMessage) (c call, err error) {
	defer func() {
		if r := recover(); r != nil {
			c, err = nil, &DecodeError{Type: "the stage's input type", Err: fmt.Errorf("panic: %v", r)}
		}
	}()
	return h(payload)
}

// invoke runs c and turns a panic into a *PanicError.
func invoke(ctx context.Context, c call) (out output, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = output{}, &PanicError{Value: r, Stack: string(debug.Stack())}
		}
	}()
	return c(ctx)
}

// PanicError is the error of a task whose handler panicked; the worker recovers, reports it as
// the task's error (type "panic", the stack as trace) and goes on.
type PanicError struct {
	Value any    // what was passed to panic
	Stack string // the goroutine's stack at the panic
}

func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }

// DecodeError is why a task's payload does not fit the handler's input type: a string where an
// int64 is expected, a number out of range. The worker dead-letters such a task (the protocol's
// bad_payload); Mux.Call returns the error.
type DecodeError struct {
	Type string // the Go input type
	Err  error
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("payload does not decode as %s: %v", e.Type, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// decode reads payload into an In, keeping numbers exact (UseNumber) and refusing trailing data.
func decode[In any](payload json.RawMessage) (In, error) {
	var in In
	if raw, ok := any(&in).(*json.RawMessage); ok {
		// json.RawMessage as input: the payload itself, unparsed.
		*raw = slices.Clone(payload)
		return in, nil
	}
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	if err := dec.Decode(&in); err != nil {
		return in, &DecodeError{Type: reflect.TypeFor[In]().String(), Err: err}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return in, &DecodeError{Type: reflect.TypeFor[In]().String(), Err: errors.New("data after the JSON value")}
	}
	return in, nil
}

// encode writes v as compact JSON without HTML escaping (the Java side reads it with Gson, which
// needs no \u003c for '<'). A json.RawMessage is only checked, not rewritten.
func encode(v any) (json.RawMessage, error) {
	if raw, ok := v.(json.RawMessage); ok && len(raw) > 0 {
		if !json.Valid(raw) {
			return nil, errors.New("worker: output json.RawMessage is not valid JSON")
		}
		return raw, nil
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("worker: output does not encode as JSON: %w", err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
