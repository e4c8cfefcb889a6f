package worker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/celestialflow/celestialflow-java/go-worker/internal/protocol"
)

// readBlock is how long one XREADGROUP waits for new entries (the Java worker's BLOCK); the
// stop waits at most this long for a read in progress.
const readBlock = 200 * time.Millisecond

// readLoop reads new entries of every served stage with one XREADGROUP, never more than the
// worker has credits for, until stop is closed.
func (w *Worker) readLoop(ctx context.Context, stop <-chan struct{}) {
	o := w.opts
	streams := make([]string, 0, 2*len(w.stages))
	for _, st := range w.stages {
		streams = append(streams, st.keys.Tasks)
	}
	for range w.stages {
		streams = append(streams, ">")
	}
	// COUNT applies to each stream: split the batch so that one read stays within it.
	perStream := max(1, o.BatchSize/len(w.stages))
	fails := 0
	for {
		n := w.credits.take(perStream, stop)
		if n == 0 {
			return
		}
		if closed(stop) {
			w.credits.give(n)
			return
		}
		res, err := w.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: o.Group, Consumer: o.Consumer, Streams: streams,
			Count: int64(n), Block: readBlock,
		}).Result()
		if err != nil {
			w.credits.give(n)
			if errors.Is(err, redis.Nil) {
				fails = 0
				continue
			}
			fails++
			if isNoGroup(err) {
				// Redis restarted without persistence, or the stream was deleted: join again.
				for _, st := range w.stages {
					_ = w.createGroup(ctx, st)
				}
			}
			w.log.Warn("reading tasks failed; retrying", "err", err, "attempt", fails)
			if !sleep(backoff(fails), stop) {
				return
			}
			continue
		}
		fails = 0
		got := 0
		for _, s := range res {
			st := w.byKey[s.Stream]
			for _, m := range s.Messages {
				got++
				w.accept(st, m, 1)
			}
		}
		w.credits.give(n - got)
	}
}

// accept turns an entry this worker now holds into a job: a task to run, or a dead letter
// (malformed, or delivered more than MaxDeliveries times).
func (w *Worker) accept(st *stage, m redis.XMessage, delivery int) {
	if !w.held.add(st, m.ID) {
		// Held already (a claim racing with a renewal): the job in hand will finish it.
		w.credits.give(1)
		return
	}
	t, rej := protocol.ParseTask(m.Values, w.opts.Graph, st.name, true)
	if rej == nil && delivery > w.opts.MaxDeliveries {
		rej = &protocol.Reject{
			Code:   protocol.CodeMaxDeliveries,
			Reason: fmt.Sprintf("delivered %d times without a result (limit %d)", delivery, w.opts.MaxDeliveries),
			Object: t.Object, ID: t.ID, Graph: t.Graph, Stage: t.Stage, Run: t.Run, Reply: t.Reply, Attempt: t.Attempt,
		}
	}
	w.jobs <- job{st: st, entry: m.ID, task: t, delivery: delivery, reject: rej}
}
