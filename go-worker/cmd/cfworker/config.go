package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	worker "github.com/celestialflow/celestialflow-java/go-worker"
)

// config is everything the command line and the environment say.
type config struct {
	opts      worker.Options
	logLevel  slog.Level
	logJSON   bool
	readyFile string
	list      bool
}

// errHelp is returned for -h: usage was printed, exit 0.
var errHelp = flag.ErrHelp

// parseConfig reads the flags, then, for each flag not given, its environment variable
// (CF_...). A flag not given and without its variable keeps its zero value, which the worker
// turns into the default (see worker.Options).
func parseConfig(args []string, getenv func(string) string, usage io.Writer) (config, error) {
	var c config
	o := &c.opts
	fs := flag.NewFlagSet("cfworker", flag.ContinueOnError)
	fs.SetOutput(usage)
	env := map[string]string{} // flag name -> environment variable

	str := func(p *string, name, envName, help string) {
		fs.StringVar(p, name, "", help+" [$"+envName+"]")
		env[name] = envName
	}
	num := func(p *int, name, envName, help string) {
		fs.IntVar(p, name, 0, help+" [$"+envName+"]")
		env[name] = envName
	}
	dur := func(p *time.Duration, name, envName, help string) {
		fs.Var((*millis)(p), name, help+"; a Go duration (1.5s, 500ms) or milliseconds [$"+envName+"]")
		env[name] = envName
	}
	var stages, level, format string
	var deadCap int
	str(&o.URL, "redis", "CF_REDIS_URL", "Redis URL (default "+worker.DefaultURL+")")
	str(&o.Namespace, "namespace", "CF_NAMESPACE", "key namespace (default "+worker.DefaultNamespace+")")
	str(&o.Graph, "graph", "CF_GRAPH", "graph whose stages to serve (required)")
	str(&stages, "stages", "CF_STAGES", "comma-separated stages to serve (default: every built-in handler)")
	str(&o.Group, "group", "CF_GROUP", "consumer group (default "+worker.DefaultGroup+")")
	str(&o.Consumer, "consumer", "CF_CONSUMER", "consumer name, unique among live workers (default <host>-<pid>-<random>)")
	num(&o.Concurrency, "concurrency", "CF_CONCURRENCY", "tasks run at once (default GOMAXPROCS)")
	num(&o.BatchSize, "batch", "CF_BATCH", fmt.Sprintf("entries per read and results per write (default %d)", worker.DefaultBatchSize))
	dur(&o.ClaimIdle, "claim-idle", "CF_CLAIM_IDLE", fmt.Sprintf("idle time after which a dead worker's entries are claimed (default %v)", worker.DefaultClaimIdle))
	num(&o.MaxDeliveries, "max-deliveries", "CF_MAX_DELIVERIES", fmt.Sprintf("deliveries before an entry is dead-lettered (default %d)", worker.DefaultMaxDeliveries))
	num(&deadCap, "dead-cap", "CF_DEAD_CAP", fmt.Sprintf("approximate cap of the dead-letter stream (default %d)", worker.DefaultDeadCap))
	dur(&o.TaskTimeout, "task-timeout", "CF_TASK_TIMEOUT", "bound on each task's run (default none)")
	dur(&o.HeartbeatInterval, "heartbeat", "CF_HEARTBEAT", fmt.Sprintf("heartbeat interval (default %v)", worker.DefaultHeartbeatInterval))
	dur(&o.ShutdownTimeout, "shutdown-timeout", "CF_SHUTDOWN_TIMEOUT", fmt.Sprintf("time to finish held tasks after SIGINT/SIGTERM (default %v)", worker.DefaultShutdownTimeout))
	str(&level, "log-level", "CF_LOG_LEVEL", "debug, info, warn or error (default info; debug logs every task)")
	str(&format, "log-format", "CF_LOG_FORMAT", "text or json (default text)")
	str(&c.readyFile, "ready-file", "CF_READY_FILE", "file written when the worker has joined its groups, removed when it stops")
	fs.BoolVar(&c.list, "list", false, "print the built-in stages and exit")
	fs.Usage = func() {
		fmt.Fprintf(usage, "Usage: cfworker -graph NAME [flags]\n\n"+
			"Serves stages of a CelestialFlow graph through Redis Streams (docs/protocol.md).\n"+
			"Each flag not given is read from the environment variable in brackets.\n\n")
		fs.PrintDefaults()
	}

	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q (flags only)", fs.Arg(0))
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for name, envName := range env {
		if v := getenv(envName); v != "" && !given[name] {
			if err := fs.Set(name, v); err != nil {
				return c, fmt.Errorf("$%s=%q: %v", envName, v, err)
			}
		}
	}

	for _, s := range strings.Split(stages, ",") {
		if s = strings.TrimSpace(s); s != "" {
			o.Stages = append(o.Stages, s)
		}
	}
	o.DeadCap = int64(deadCap)
	switch strings.ToLower(level) {
	case "", "info":
		c.logLevel = slog.LevelInfo
	case "debug":
		c.logLevel = slog.LevelDebug
	case "warn", "warning":
		c.logLevel = slog.LevelWarn
	case "error":
		c.logLevel = slog.LevelError
	default:
		return c, fmt.Errorf("-log-level %q: want debug, info, warn or error", level)
	}
	switch strings.ToLower(format) {
	case "", "text":
	case "json":
		c.logJSON = true
	default:
		return c, fmt.Errorf("-log-format %q: want text or json", format)
	}
	if o.Graph == "" && !c.list {
		return c, errors.New("no graph: give -graph or $CF_GRAPH")
	}
	return c, nil
}

// millis is a duration flag that also takes a plain number of milliseconds, the unit the Java
// side uses.
type millis time.Duration

func (m *millis) String() string {
	if m == nil || *m == 0 {
		return ""
	}
	return time.Duration(*m).String()
}

func (m *millis) Set(s string) error {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		*m = millis(time.Duration(n) * time.Millisecond)
		return nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return errors.New("not a duration (1.5s, 500ms) nor a number of milliseconds")
	}
	*m = millis(d)
	return nil
}
