package worker

import "errors"

// Sentinel errors; compare with errors.Is, since the worker wraps them with details.
var (
	// ErrNoGraph: Options.Graph is empty. Every key the worker touches is named after its graph.
	ErrNoGraph = errors.New("worker: no graph name")
	// ErrNoStages: there is nothing to serve: the Mux has no handler.
	ErrNoStages = errors.New("worker: no stages to serve")
	// ErrUnknownStage: Options.Stages names a stage that has no handler in the Mux.
	ErrUnknownStage = errors.New("worker: no handler for stage")
	// ErrInvalidOption: an option is out of range (a negative count or duration, a malformed URL
	// or namespace).
	ErrInvalidOption = errors.New("worker: invalid option")
	// ErrRunning: Run was called on a worker that is already running or has run.
	ErrRunning = errors.New("worker: Run called twice")
	// ErrShutdownTimeout: the entries held did not all finish within Options.ShutdownTimeout
	// after the stop; the tasks still running were cancelled and left pending, with the entries
	// not started, for another worker.
	ErrShutdownTimeout = errors.New("worker: tasks still running at the shutdown timeout")
)

// Error is an error a handler can return to choose the type the Java side sees in the error
// result, for instance a Java class name its retry policy matches
// (Type: "java.io.IOException"). Without it the type is the Go type of the error, as %T prints
// it ("*errors.errorString", "*fs.PathError"), followed in "types" by the types of the errors
// it wraps.
type Error struct {
	Type    string // the type name for the result; "" means *worker.Error
	Message string // the message; "" means Err's
	Err     error  // the cause, if any
}

func (e *Error) Error() string {
	if e.Err != nil && e.Message == "" {
		return e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }
