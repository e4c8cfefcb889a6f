package worker

import (
	"context"
	"os"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/celestialflow/celestialflow-java/go-worker/internal/protocol"
)

// heartbeatLoop writes the heartbeat record every HeartbeatInterval until stop is closed.
func (w *Worker) heartbeatLoop(ctx context.Context, stop <-chan struct{}) {
	for sleep(w.opts.HeartbeatInterval, stop) {
		w.heartbeat(ctx)
	}
}

// heartbeat writes this worker's record into the workers hash of every served stage (section
// 4): HSET field <consumer>, then PEXPIRE of the hash to max(10 × interval, 30 s), so that a
// hash whose workers are all gone disappears by itself.
func (w *Worker) heartbeat(ctx context.Context) {
	rec, err := protocol.Encode(w.record())
	if err != nil {
		return
	}
	ttl := max(10*w.opts.HeartbeatInterval, 30*time.Second)
	_, err = w.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, st := range w.stages {
			p.HSet(ctx, st.keys.Workers, w.opts.Consumer, rec)
			p.PExpire(ctx, st.keys.Workers, ttl)
		}
		return nil
	})
	if err != nil {
		w.log.Warn("heartbeat failed", "err", err)
	}
}

func (w *Worker) record() protocol.Heartbeat {
	return protocol.Heartbeat{
		V: protocol.Version, Consumer: w.opts.Consumer, Group: w.opts.Group,
		TS: time.Now().UnixMilli(), Started: w.startedAt.UnixMilli(),
		Interval: w.opts.HeartbeatInterval.Milliseconds(), PID: os.Getpid(), Host: w.host, Lang: lang,
		Inflight: int64(w.held.count()), Processed: w.processed.Load(), Failed: w.failed.Load(),
		Stages: w.opts.Stages,
	}
}

// leave removes this worker's heartbeat records at the stop.
func (w *Worker) leave(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	_, err := w.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, st := range w.stages {
			p.HDel(ctx, st.keys.Workers, w.opts.Consumer)
		}
		return nil
	})
	if err != nil {
		w.log.Warn("removing the heartbeat record failed", "err", err)
	}
}
