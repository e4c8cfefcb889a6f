package worker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// ErrClaimLost is the cause a task's context is cancelled with when another worker has claimed
// its entry (this one was stalled for longer than ClaimIdle): its result could not be committed.
var ErrClaimLost = errors.New("worker: entry claimed by another worker")

// claimEvery is how often the reaper looks for idle entries: min(ClaimIdle/4, 1s).
func (w *Worker) claimEvery() time.Duration {
	return min(w.opts.ClaimIdle/4, time.Second)
}

// claimLoop is the reaper: it claims the entries that have been pending untouched for
// ClaimIdle, the leftovers of workers that died, until stop is closed.
func (w *Worker) claimLoop(ctx context.Context, stop <-chan struct{}) {
	fails := 0
	for sleep(w.claimEvery(), stop) {
		if err := w.claimOnce(ctx, stop); err != nil {
			fails++
			w.log.Warn("claiming idle entries failed; retrying", "err", err, "attempt", fails)
			if !sleep(backoff(fails), stop) {
				return
			}
			continue
		}
		fails = 0
	}
}

// claimOnce claims idle entries of every stage, as many as there are free credits, following
// XAUTOCLAIM's cursor from 0-0 until it comes back to 0-0.
func (w *Worker) claimOnce(ctx context.Context, stop <-chan struct{}) error {
	o := w.opts
	for _, st := range w.stages {
		cursor := "0-0"
		for !closed(stop) {
			n := w.credits.tryTake(o.BatchSize)
			if n == 0 {
				return nil
			}
			msgs, next, err := w.rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{
				Stream: st.keys.Tasks, Group: o.Group, Consumer: o.Consumer,
				MinIdle: o.ClaimIdle, Start: cursor, Count: int64(n),
			}).Result()
			if err != nil {
				w.credits.give(n)
				if isNoGroup(err) {
					_ = w.createGroup(ctx, st)
				}
				return fmt.Errorf("XAUTOCLAIM %s: %w", st.keys.Tasks, err)
			}
			msgs = w.dropDeleted(ctx, st, msgs)
			if len(msgs) > 0 {
				deliveries, err := w.deliveries(ctx, st, msgs)
				if err != nil {
					w.log.Warn("reading delivery counts failed", "stage", st.name, "err", err)
				}
				w.log.Info("claimed idle entries of a dead or stalled worker", "stage", st.name, "entries", len(msgs))
				for _, m := range msgs {
					d, ok := deliveries[m.ID]
					if !ok {
						d = 2 // claimed, so delivered at least once before; never read as over the limit
					}
					w.log.Debug("claimed an idle entry", "stage", st.name, "entry", m.ID, "delivery", d)
					w.accept(st, m, d)
				}
			}
			w.credits.give(n - len(msgs))
			if next == "0-0" || next == "" {
				break
			}
			cursor = next
		}
	}
	return nil
}

// dropDeleted acknowledges the claimed entries whose data is gone (deleted from the stream
// while pending): Redis 7 drops them from the pending list itself, Redis 6.2 returns them
// empty. There is nothing to run.
func (w *Worker) dropDeleted(ctx context.Context, st *stage, msgs []redis.XMessage) []redis.XMessage {
	kept := msgs[:0]
	var gone []string
	for _, m := range msgs {
		if m.Values == nil {
			gone = append(gone, m.ID)
		} else {
			kept = append(kept, m)
		}
	}
	if len(gone) > 0 {
		if err := w.rdb.XAck(ctx, st.keys.Tasks, w.opts.Group, gone...).Err(); err != nil {
			w.log.Warn("acknowledging deleted entries failed", "stage", st.name, "err", err)
		}
	}
	return kept
}

// deliveries reads the delivery count of each claimed entry (the claim included).
func (w *Worker) deliveries(ctx context.Context, st *stage, msgs []redis.XMessage) (map[string]int, error) {
	pend, err := w.rdb.XPendingExt(ctx, &redis.XPendingExtArgs{
		Stream: st.keys.Tasks, Group: w.opts.Group,
		Start: msgs[0].ID, End: msgs[len(msgs)-1].ID,
		Count: int64(len(msgs)) + 1000, Consumer: w.opts.Consumer,
	}).Result()
	out := make(map[string]int, len(pend))
	for _, p := range pend {
		out[p.ID] = int(p.RetryCount)
	}
	return out, err
}

// renewLoop renews, every ClaimIdle/3, the claims on the entries this worker has held for
// longer than that (waiting, running or being committed), so that no reaper takes them.
func (w *Worker) renewLoop(ctx context.Context, stop <-chan struct{}) {
	every := w.opts.ClaimIdle / 3
	for sleep(every, stop) {
		for st, ids := range w.held.olderThan(time.Now().Add(-every)) {
			at := time.Now()
			lost, err := w.renew(ctx, st, ids)
			if err == nil {
				w.held.renewed(st, ids, at)
			}
			if err != nil {
				w.log.Warn("renewing claims failed", "stage", st.name, "entries", len(ids), "err", err)
				continue
			}
			for _, id := range lost {
				w.log.Warn("entry claimed by another worker while held here; cancelling its task",
					"stage", st.name, "entry", id)
				w.held.lost(st, id, ErrClaimLost)
			}
		}
	}
}

// renew resets the idle time of the entries still pending for this consumer (XCLAIM with
// min-idle 0 and JUSTID, which does not count a delivery) and returns those that are not.
func (w *Worker) renew(ctx context.Context, st *stage, ids []string) ([]string, error) {
	args := make([]any, 0, 2+len(ids))
	args = append(args, w.opts.Group, w.opts.Consumer)
	for _, id := range ids {
		args = append(args, id)
	}
	lost, err := renewScript.Run(ctx, w.rdb, []string{st.keys.Tasks}, args...).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("renew script: %w", err)
	}
	return lost, nil
}

// renewScript: KEYS[1] the task stream; ARGV group, consumer, entry ids. Claims again every id
// still pending for the consumer and returns the others. Checking the owner first matters: a
// plain XCLAIM would take an entry back from the worker that legitimately claimed it.
var renewScript = redis.NewScript(`
local stream, group, consumer = KEYS[1], ARGV[1], ARGV[2]
local lost = {}
local claim = {'XCLAIM', stream, group, consumer, 0}
local function flush()
  if #claim > 5 then
    claim[#claim + 1] = 'JUSTID'
    redis.call(unpack(claim))
    claim = {'XCLAIM', stream, group, consumer, 0}
  end
end
for i = 3, #ARGV do
  local id = ARGV[i]
  if #redis.call('XPENDING', stream, group, id, id, 1, consumer) == 1 then
    claim[#claim + 1] = id
    if #claim == 505 then flush() end
  else
    lost[#lost + 1] = id
  end
end
flush()
return lost
`)
