package worker

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/celestialflow/celestialflow-java/go-worker/internal/protocol"
)

// Task describes the task a handler is running; TaskFrom reads it from the handler's context.
type Task struct {
	ID       string   // the task's id, unique within its graph run
	Graph    string   // the graph
	Stage    string   // the stage it was sent to
	Run      string   // the graph run that sent it
	Parents  []string // ids of the tasks it came from (lineage)
	Attempt  int      // the graph's attempt number (retries are the graph's, with a new id)
	Delivery int      // how many times Redis has delivered this entry, this time included
	Entry    string   // the stream entry id
}

type taskKey struct{}

// TaskFrom returns the task of a handler's context.
func TaskFrom(ctx context.Context) (Task, bool) {
	t, ok := ctx.Value(taskKey{}).(Task)
	return t, ok
}

// lang is what the worker writes in results and heartbeats as its implementation.
const lang = "go"

// execute runs one job and hands its commit to the committer.
func (w *Worker) execute(work context.Context, j job) {
	if j.reject != nil {
		w.send(w.deadCommit(j.st, j.entry, j.delivery, j.reject))
		return
	}
	if !w.held.has(j.st, j.entry) {
		// Another worker claimed it while it waited here (this one stalled): not ours to run.
		w.abandon(j)
		return
	}
	c, err := prepare(j.st.h, j.task.Payload)
	if err != nil {
		t := j.task
		w.send(w.deadCommit(j.st, j.entry, j.delivery, &protocol.Reject{
			Code: protocol.CodeBadPayload, Reason: "payload: " + err.Error(), Object: t.Object,
			ID: t.ID, Graph: t.Graph, Stage: t.Stage, Run: t.Run, Reply: t.Reply, Attempt: t.Attempt,
		}))
		return
	}

	ctx, cancel := context.WithCancelCause(work)
	defer cancel(nil)
	if w.opts.TaskTimeout > 0 {
		var stop context.CancelFunc
		ctx, stop = context.WithTimeout(ctx, w.opts.TaskTimeout)
		defer stop()
	}
	t := j.task
	ctx = context.WithValue(ctx, taskKey{}, Task{
		ID: t.ID, Graph: t.Graph, Stage: t.Stage, Run: t.Run, Parents: t.Parents, Attempt: t.Attempt,
		Delivery: j.delivery, Entry: j.entry,
	})
	w.held.running(j.st, j.entry, cancel)
	started := time.Now()
	out, err := invoke(ctx, c)
	finished := time.Now()
	if w.expired.Load() || errors.Is(context.Cause(ctx), ErrClaimLost) {
		// Cancelled by the shutdown timeout or taken over by another worker: whatever the
		// handler returned is not the task's result. The entry stays pending.
		w.abandon(j)
		return
	}

	res := protocol.Result{
		V: protocol.Version, Kind: protocol.KindResult, ID: t.ID, Graph: t.Graph, Stage: t.Stage,
		Run: t.Run, Attempt: t.Attempt, Worker: w.opts.Consumer, Lang: lang, Delivery: j.delivery,
		Started: started.UnixMilli(), Finished: finished.UnixMilli(),
	}
	if err == nil {
		res.Status = protocol.StatusOK
		if out.many {
			res.Values = out.values
		} else {
			res.Value = out.value
		}
	} else {
		res.Status = protocol.StatusError
		e := errorInfo(err)
		res.Error = &e
		w.log.Warn("task failed", "stage", j.st.name, "task", t.ID, "entry", j.entry,
			"delivery", j.delivery, "type", e.Type, "err", e.Message)
	}
	msg, err := protocol.Encode(res)
	if err != nil { // the values came out of encode, so this cannot fail; report it if it does
		res.Status, res.Value, res.Values = protocol.StatusError, nil, nil
		res.Error = &protocol.Error{Type: "encode", Types: []string{"encode"}, Message: err.Error()}
		msg, _ = protocol.Encode(res)
	}
	w.send(commit{
		st: j.st, entry: j.entry,
		appends: []appendOp{{key: t.Reply, mode: appendResult, num: t.TTL, msg: msg}},
		id:      t.ID, delivery: j.delivery, failed: res.Status == protocol.StatusError,
		took: finished.Sub(started),
	})
}

// send hands a commit to the committer. After the final flush nobody commits any more: the
// entry stays pending.
func (w *Worker) send(c commit) {
	select {
	case w.results <- c:
	case <-w.committed:
		w.log.Warn("result after the final commit dropped; its entry stays pending",
			"stage", c.st.name, "task", c.id, "entry", c.entry)
	}
}

// deadCommit is the dead-letter path of an entry (section 5.5): the dead letter, an error
// result when the message's id and reply could be read, then XACK + XDEL.
func (w *Worker) deadCommit(st *stage, entry string, delivery int, r *protocol.Reject) commit {
	now := time.Now().UnixMilli()
	dead := protocol.Dead{
		V: protocol.Version, Kind: protocol.KindDead, Code: r.Code,
		Entry: entry, Stream: st.keys.Tasks, Deliveries: delivery, Worker: w.opts.Consumer,
		Message: r.Object, ID: r.ID, Graph: r.Graph, Stage: r.Stage, Run: r.Run, Reply: r.Reply, TS: now,
	}
	if r.Object == nil {
		raw := r.Raw
		dead.Raw = &raw
	}
	var e *protocol.Error
	if r.Code == protocol.CodeMaxDeliveries {
		// No error is known: the workers it was delivered to died or stalled.
		dead.Reason = r.Reason
		msg := r.Reason + "; moved to " + st.keys.Dead
		e = &protocol.Error{Type: protocol.ErrDeliveryLimit, Types: []string{protocol.ErrDeliveryLimit}, Message: msg}
	} else {
		// A malformed task's last error is its decoding error.
		dead.Reason = r.Code + ": " + r.Reason
		e = &protocol.Error{Type: protocol.ErrMalformedTask, Types: []string{protocol.ErrMalformedTask}, Message: dead.Reason}
		dead.Error = e
	}
	c := commit{st: st, entry: entry, id: r.ID, delivery: delivery, failed: true, dead: dead.Reason}
	msg, _ := protocol.Encode(dead)
	c.appends = append(c.appends, appendOp{key: st.keys.Dead, mode: appendDead, num: w.opts.DeadCap, msg: msg})
	if r.ID != "" && r.Reply != "" {
		res := protocol.Result{
			V: protocol.Version, Kind: protocol.KindResult, ID: r.ID,
			// The stream's graph and stage: the ones the task was sent to, whatever it says.
			Graph: w.opts.Graph, Stage: st.name, Run: r.Run, Attempt: r.Attempt,
			Status: protocol.StatusError, Error: e, Worker: w.opts.Consumer, Lang: lang,
			Delivery: delivery, Started: now, Finished: now,
		}
		if res.Run == "" {
			res.Run = runOf(r.Reply)
		}
		msg, _ := protocol.Encode(res)
		// Optional: a reply key that is not a stream must not keep the entry from leaving.
		c.appends = append(c.appends, appendOp{key: r.Reply, mode: appendOptional, msg: msg})
	}
	return c
}

// runOf reads the run id from a result stream key (…:results:<run>), for an error result whose
// task had no readable run.
func runOf(reply string) string {
	const marker = ":results:"
	if i := strings.LastIndex(reply, marker); i >= 0 && i+len(marker) < len(reply) {
		return reply[i+len(marker):]
	}
	return "unknown"
}
