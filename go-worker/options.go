package worker

import (
	"crypto/rand"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/celestialflow/celestialflow-java/go-worker/internal/protocol"
)

// Defaults of the options left at their zero value; the same as the Java worker's.
const (
	DefaultURL               = "redis://localhost:6379/0"
	DefaultNamespace         = protocol.DefaultNamespace
	DefaultGroup             = "workers"
	DefaultBatchSize         = 64
	DefaultClaimIdle         = 30 * time.Second
	DefaultMaxDeliveries     = 5
	DefaultDeadCap           = 100_000
	DefaultHeartbeatInterval = 2 * time.Second
	DefaultShutdownTimeout   = 30 * time.Second
)

// Options configure a Worker. The zero value works for everything but Graph: each field left
// at zero gets the default its comment names. Negative values and malformed names are refused
// with ErrInvalidOption; nothing is clamped silently.
type Options struct {
	// Client is the Redis client to use; the worker does not close it. Nil means a client the
	// worker makes from URL and closes when Run returns.
	Client redis.UniversalClient
	// URL of the Redis server when Client is nil, in the form redis.ParseURL reads
	// (redis://[user:password@]host:port/db, rediss:// for TLS). Default DefaultURL.
	URL string

	// Namespace is the first part of every key ([A-Za-z0-9._-]+). Default DefaultNamespace.
	Namespace string
	// Graph is the name of the CelestialFlow graph whose stages this worker serves. Required.
	Graph string
	// Stages to serve. Default: every stage with a handler in the Mux.
	Stages []string
	// Group is the consumer group the worker joins on each stage's task stream; the workers of
	// a group share the work. Default DefaultGroup, the group the Java side sends to.
	Group string
	// Consumer names this worker inside the group; it must be unique among the live workers.
	// Default "<hostname>-<pid>-<random>".
	Consumer string

	// Concurrency is how many tasks run at once. Default runtime.GOMAXPROCS(0).
	Concurrency int
	// BatchSize is how many entries one read takes at most, and how many results one write
	// commits at most. At most Concurrency + BatchSize entries wait or run in the worker (the
	// ones finished and being committed aside), so it never hoards work another worker could
	// do. Default DefaultBatchSize.
	BatchSize int
	// ClaimIdle is how long an entry stays pending, untouched, before a worker claims it as the
	// leftover of a dead one. A worker renews its claims every ClaimIdle/3, so a long task is
	// never taken from a live worker. Default DefaultClaimIdle.
	ClaimIdle time.Duration
	// MaxDeliveries is how many times an entry may be delivered without a result; claimed once
	// more, it goes to the dead-letter stream and the graph gets an error result. Default
	// DefaultMaxDeliveries.
	MaxDeliveries int
	// DeadCap caps the dead-letter stream (XADD MAXLEN ~). Default DefaultDeadCap.
	DeadCap int64
	// TaskTimeout bounds each task's run: the handler's context is cancelled after it, and the
	// task gets the context's error as its error result. Zero means no bound.
	TaskTimeout time.Duration
	// HeartbeatInterval is how often the worker writes its heartbeat record. Default
	// DefaultHeartbeatInterval.
	HeartbeatInterval time.Duration
	// ShutdownTimeout is how long the worker may go on finishing the entries it holds after
	// Run's context is done. Tasks still running then are cancelled and, like the entries not
	// started, left pending for another worker. Default DefaultShutdownTimeout.
	ShutdownTimeout time.Duration

	// Logger receives the worker's structured logs: lifecycle at Info, each task at Debug (with
	// its id, stage and delivery count), failures at Warn and Error. Nil means no logs; the
	// worker never writes to slog's default logger.
	Logger *slog.Logger
	// Ready, if not nil, is called once the worker has joined the group on every stage and
	// written its first heartbeat, just before it reads its first tasks.
	Ready func()
}

// init returns a copy of o with every zero value replaced by its default, or an error naming the
// first bad option.
func (o Options) init(stages []string) (Options, error) {
	if o.Graph == "" {
		return o, ErrNoGraph
	}
	if len(o.Stages) == 0 {
		o.Stages = stages
	}
	if len(o.Stages) == 0 {
		return o, ErrNoStages
	}
	for _, s := range o.Stages {
		if s == "" {
			return o, fmt.Errorf("%w: an empty stage name in Stages", ErrInvalidOption)
		}
	}
	if o.URL == "" {
		o.URL = DefaultURL
	}
	if o.Namespace == "" {
		o.Namespace = DefaultNamespace
	}
	if !protocol.ValidNamespace(o.Namespace) {
		return o, fmt.Errorf("%w: namespace %q (letters, digits, '.', '_' and '-' only)", ErrInvalidOption, o.Namespace)
	}
	if o.Group == "" {
		o.Group = DefaultGroup
	}
	if o.Consumer == "" {
		o.Consumer = defaultConsumer()
	}
	for _, c := range []struct {
		name string
		v    int64
	}{
		{"Concurrency", int64(o.Concurrency)},
		{"BatchSize", int64(o.BatchSize)},
		{"ClaimIdle", int64(o.ClaimIdle)},
		{"MaxDeliveries", int64(o.MaxDeliveries)},
		{"DeadCap", o.DeadCap},
		{"TaskTimeout", int64(o.TaskTimeout)},
		{"HeartbeatInterval", int64(o.HeartbeatInterval)},
		{"ShutdownTimeout", int64(o.ShutdownTimeout)},
	} {
		if c.v < 0 {
			return o, fmt.Errorf("%w: %s is negative (%d)", ErrInvalidOption, c.name, c.v)
		}
	}
	if o.Concurrency == 0 {
		o.Concurrency = runtime.GOMAXPROCS(0)
	}
	if o.BatchSize == 0 {
		o.BatchSize = DefaultBatchSize
	}
	if o.ClaimIdle == 0 {
		o.ClaimIdle = DefaultClaimIdle
	}
	if o.ClaimIdle < 3*time.Millisecond {
		return o, fmt.Errorf("%w: ClaimIdle %v is below 3ms (claims are renewed every ClaimIdle/3)", ErrInvalidOption, o.ClaimIdle)
	}
	if o.MaxDeliveries == 0 {
		o.MaxDeliveries = DefaultMaxDeliveries
	}
	if o.DeadCap == 0 {
		o.DeadCap = DefaultDeadCap
	}
	if o.HeartbeatInterval == 0 {
		o.HeartbeatInterval = DefaultHeartbeatInterval
	}
	if o.HeartbeatInterval < time.Millisecond {
		return o, fmt.Errorf("%w: HeartbeatInterval %v is below 1ms", ErrInvalidOption, o.HeartbeatInterval)
	}
	if o.ShutdownTimeout == 0 {
		o.ShutdownTimeout = DefaultShutdownTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o, nil
}

// defaultConsumer is "<hostname>-<pid>-<random>", the Java worker's form: unique even when a
// pid comes back after a restart.
func defaultConsumer() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	return host + "-" + strconv.Itoa(os.Getpid()) + "-" + strings.ToLower(rand.Text()[:6])
}
