package worker

import (
	"fmt"

	"github.com/celestialflow/celestialflow-java/go-worker/internal/protocol"
)

// errorInfo describes a handler's error for a result message: its type (an *Error's Type, or
// the Go type as %T prints it, such as "*fs.PathError"), the types along its errors.Unwrap
// chain (most specific first, as the protocol's "types"), its message, and for a panic the stack.
func errorInfo(err error) protocol.Error {
	e := protocol.Error{Type: typeName(err), Message: err.Error()}
	if pe, ok := err.(*PanicError); ok {
		e.Trace = pe.Stack
	}
	seen := map[string]bool{}
	var walk func(error)
	walk = func(err error) {
		if err == nil {
			return
		}
		if t := typeName(err); !seen[t] {
			seen[t] = true
			e.Types = append(e.Types, t)
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				walk(x)
			}
		}
	}
	walk(err)
	return e
}

func typeName(err error) string {
	if we, ok := err.(*Error); ok && we.Type != "" {
		return we.Type
	}
	return fmt.Sprintf("%T", err)
}
