package worker

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// commit is what finishing one entry writes: the messages to append (the result to the task's
// reply stream; for a dead letter, the dead letter first), then XACK + XDEL of the entry.
type commit struct {
	st      *stage
	entry   string
	appends []appendOp

	// for counters and the log
	id       string
	delivery int
	failed   bool
	took     time.Duration
	dead     string // the dead-letter reason, "" for a task that ran
}

// appendOp is one XADD of a commit.
type appendOp struct {
	key  string
	mode string // appendResult, appendOptional or appendDead
	num  int64  // result: PEXPIRE ttl in ms (0 none); dead: MAXLEN ~ cap
	msg  []byte
}

const (
	appendResult   = "r" // required: an entry whose result cannot be written stays pending
	appendOptional = "o" // skipped if the key holds something other than a stream
	appendDead     = "d" // XADD MAXLEN ~ num
)

// flushGrace bounds the final commits after the stop when Redis does not answer: results not
// written by then are dropped, and their entries stay pending for another worker.
const flushGrace = 3 * time.Second

// commitLoop commits in batches: whatever has arrived while the previous batch was being
// written, up to BatchSize, in one round trip. When flush is closed, it commits what is left
// and returns.
func (w *Worker) commitLoop(ctx context.Context, flush <-chan struct{}) {
	batch := make([]commit, 0, w.opts.BatchSize)
	for {
		select {
		case c := <-w.results:
			batch = w.fill(append(batch[:0], c))
			w.commitBatch(ctx, batch, flush, time.Time{})
		case <-flush:
			deadline := time.Now().Add(flushGrace)
			for {
				if batch = w.fill(batch[:0]); len(batch) == 0 {
					return
				}
				w.commitBatch(ctx, batch, flush, deadline)
			}
		}
	}
}

// fill adds to batch the commits that are ready, without waiting.
func (w *Worker) fill(batch []commit) []commit {
	for len(batch) < w.opts.BatchSize {
		select {
		case c := <-w.results:
			batch = append(batch, c)
		default:
			return batch
		}
	}
	return batch
}

// commitBatch writes a batch, retrying while Redis is unreachable: the results are kept until
// they can be written (section 5.7), or, once flush is closed (the worker is stopping), until
// deadline or flushGrace from then.
func (w *Worker) commitBatch(ctx context.Context, batch []commit, flush <-chan struct{}, deadline time.Time) {
	for fails := 1; ; fails++ {
		if deadline.IsZero() && closed(flush) {
			deadline = time.Now().Add(flushGrace)
		}
		cctx, cancel := ctx, context.CancelFunc(func() {})
		if !deadline.IsZero() {
			cctx, cancel = context.WithDeadline(ctx, deadline)
		}
		lost, bad, err := w.runCommit(cctx, batch)
		cancel()
		if err == nil {
			w.settle(batch, lost, bad)
			return
		}
		if isRedisReply(err) {
			// Refused by Redis (not a lost connection): retrying the same would not help. The
			// entries stay pending, are delivered again, and end as dead letters if this lasts.
			w.log.Error("commit refused by Redis; entries left pending", "err", err, "entries", len(batch))
			for _, c := range batch {
				w.release(c.st, c.entry)
			}
			return
		}
		if !deadline.IsZero() && time.Now().Add(backoff(fails)).After(deadline) {
			w.log.Error("results not written before the stop; their entries stay pending",
				"entries", len(batch), "err", err)
			for _, c := range batch {
				w.release(c.st, c.entry)
			}
			return
		}
		w.log.Warn("writing results failed; retrying", "err", err, "entries", len(batch), "attempt", fails)
		time.Sleep(backoff(fails))
	}
}

// settle counts and releases the committed entries, and logs the ones the script left alone.
func (w *Worker) settle(batch []commit, lost, bad map[string]bool) {
	debug := w.log.Enabled(context.Background(), slog.LevelDebug)
	for _, c := range batch {
		switch {
		case lost[c.entry]:
			w.log.Warn("result dropped: another worker claimed the entry while this one held it",
				"stage", c.st.name, "task", c.id, "entry", c.entry, "delivery", c.delivery)
		case bad[c.entry]:
			keys := make([]string, len(c.appends))
			for i, a := range c.appends {
				keys[i] = a.key
			}
			w.log.Error("not written: a key to append to holds something other than a stream; "+
				"the entry stays pending", "stage", c.st.name, "task", c.id, "entry", c.entry, "keys", keys)
		default:
			w.processed.Add(1)
			if c.failed {
				w.failed.Add(1)
			}
			if c.dead != "" {
				w.log.Warn("entry dead-lettered", "stage", c.st.name, "task", c.id, "entry", c.entry,
					"delivery", c.delivery, "reason", c.dead)
			} else if debug {
				w.log.Debug("task done", "stage", c.st.name, "task", c.id, "entry", c.entry,
					"delivery", c.delivery, "failed", c.failed, "took", c.took)
			}
		}
		w.release(c.st, c.entry)
	}
}

// runCommit runs commitScript on a batch. KEYS are the task streams and the append keys; ARGV
// is group, consumer, then per task stream: its key index, entry count, lowest and highest entry
// id, and per entry: its id and append count, and per append: key index, mode, number, message;
// or, for an entry with one append like the last one written in full, its id, "=" and message.
func (w *Worker) runCommit(ctx context.Context, batch []commit) (lost, bad map[string]bool, err error) {
	var keys []string
	index := map[string]string{}
	keyIndex := func(k string) string {
		i, ok := index[k]
		if !ok {
			keys = append(keys, k)
			i = strconv.Itoa(len(keys))
			index[k] = i
		}
		return i
	}
	byStage := map[*stage][]*commit{}
	var order []*stage
	for i := range batch {
		c := &batch[i]
		if byStage[c.st] == nil {
			order = append(order, c.st)
		}
		byStage[c.st] = append(byStage[c.st], c)
	}
	args := make([]any, 0, 2+len(batch)*7)
	var last *appendOp // the last append in the long form, its key as its index
	args = append(args, w.opts.Group, w.opts.Consumer)
	for _, st := range order {
		cs := byStage[st]
		lo, hi := cs[0].entry, cs[0].entry
		for _, c := range cs[1:] {
			if entryLess(c.entry, lo) {
				lo = c.entry
			}
			if entryLess(hi, c.entry) {
				hi = c.entry
			}
		}
		args = append(args, keyIndex(st.keys.Tasks), len(cs), lo, hi)
		for _, c := range cs {
			// An entry whose one append is the last append but for its message takes the
			// short form: its id, "=", the message.
			if len(c.appends) == 1 && last != nil {
				a := c.appends[0]
				if keyIndex(a.key) == last.key && a.mode == last.mode && a.num == last.num {
					args = append(args, c.entry, "=", a.msg)
					continue
				}
			}
			args = append(args, c.entry, len(c.appends))
			for _, a := range c.appends {
				k := keyIndex(a.key)
				args = append(args, k, a.mode, a.num, a.msg)
				last = &appendOp{key: k, mode: a.mode, num: a.num}
			}
		}
	}
	res, err := commitScript.Run(ctx, w.rdb, keys, args...).Slice()
	if err != nil {
		return nil, nil, err
	}
	if len(res) != 2 {
		return nil, nil, fmt.Errorf("commit script: unexpected reply %v", res)
	}
	return idSet(res[0]), idSet(res[1]), nil
}

func idSet(v any) map[string]bool {
	list, _ := v.([]any)
	if len(list) == 0 {
		return nil
	}
	m := make(map[string]bool, len(list))
	for _, x := range list {
		if s, ok := x.(string); ok {
			m[s] = true
		}
	}
	return m
}

// commitScript is steps 1 and 2 of section 5.2 (and the dead-letter path of 5.5) in one atomic
// call: per entry, its appends (XADD, then PEXPIRE of result streams whose task had a ttl),
// then XACK + XDEL of the entries written. Being one script, a result is never acknowledged
// unwritten nor written without the acknowledgement, and a batch costs one round trip.
//
// Two checks the pipelined form cannot make:
//   - an entry no longer pending for this consumer (another worker claimed it while this one
//     was stalled past ClaimIdle) is that worker's to finish: nothing is written ("lost");
//   - an entry whose required append key holds something other than a stream is left pending
//     ("bad"), checked before any write so that a batch never stops half-written.
//
// Returns {lost, bad}. The field name is protocol.Field. With ARGV[3] "P" it takes the packed
// form of section 5.2 (results packed by the worker, all or nothing), which this worker does not
// write: it appends each result on its own, which every graph reads.
var commitScript = redis.NewScript(`
local group, consumer = ARGV[1], ARGV[2]
local num, usable, expire = {}, {}, {}
-- ARGV numbers repeat (key indexes, counts, ttls): each text is converted once.
local function tonum(s)
  local v = num[s]
  if v == nil then
    v = tonumber(s)
    num[s] = v
  end
  return v
end
local function check(k)
  local t = redis.call('TYPE', KEYS[k])['ok']
  local u = (t == 'stream' or t == 'none')
  usable[k] = u
  return u
end
-- Which of the entries in [lo, hi] of a task stream are still this consumer's: one XPENDING.
local function owned(stream, lo, hi)
  local own = {}
  local pending = redis.call('XPENDING', stream, group, lo, hi, 1000000, consumer)
  for p = 1, #pending do
    own[pending[p][1]] = true
  end
  return own
end
-- Acknowledges and deletes the entries t[from..to] of a task stream, 500 per call.
local function finish(stream, t, from, to)
  for k = from, to, 500 do
    local last = math.min(k + 499, to)
    redis.call('XACK', stream, group, unpack(t, k, last))
    redis.call('XDEL', stream, unpack(t, k, last))
  end
end
-- The packed form (section 3.5): one task stream, every entry's result already packed by
-- the worker. ARGV[3] 'P', then the stream's key index, entry count, lowest and highest
-- entry id, the reply key index, the ttl, the number of packs, the packs, the entry ids.
-- All or nothing: if an entry is no longer this consumer's or the reply key is not a
-- stream, nothing is written and the reply says 'again' (the worker commits the batch in
-- the other form, entry by entry).
if ARGV[3] == 'P' then
  local stream, n = KEYS[tonumber(ARGV[4])], tonumber(ARGV[5])
  local reply, ttl, npacks = tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
  local first = 11 + npacks
  local last = first + n - 1
  local own = owned(stream, ARGV[6], ARGV[7])
  for j = first, last do
    if not own[ARGV[j]] then return {{}, {}, 'again'} end
  end
  if not check(reply) then return {{}, {}, 'again'} end
  for p = 11, first - 1 do
    redis.call('XADD', KEYS[reply], '*', 'm', ARGV[p])
  end
  if ttl > 0 then redis.call('PEXPIRE', KEYS[reply], ttl) end
  finish(stream, ARGV, first, last)
  return {{}, {}}
end
local lost, bad, nlost, nbad = {}, {}, 0, 0
-- The last append's key index, mode and number: an entry whose append count is '=' has one
-- append with these, and only its message follows.
local lk, lmode, lx
local i, argc = 3, #ARGV
while i <= argc do
  local stream = KEYS[tonum(ARGV[i])]
  local n = tonum(ARGV[i + 1])
  local own = owned(stream, ARGV[i + 2], ARGV[i + 3])
  i = i + 4
  local done, ndone = {}, 0
  for _ = 1, n do
    local id, na = ARGV[i], ARGV[i + 1]
    if na == '=' then
      if not own[id] then
        nlost = nlost + 1
        lost[nlost] = id
      else
        local u = true
        if lmode ~= 'o' then
          u = usable[lk]
          if u == nil then u = check(lk) end
        end
        if not u then
          nbad = nbad + 1
          bad[nbad] = id
        else
          if lmode == 'd' then
            redis.call('XADD', KEYS[lk], 'MAXLEN', '~', lx, '*', 'm', ARGV[i + 2])
          else
            local v = usable[lk]
            if v == nil then v = check(lk) end
            if v then
              redis.call('XADD', KEYS[lk], '*', 'm', ARGV[i + 2])
              if lx > 0 then
                local e = expire[lk]
                if e == nil or lx > e then expire[lk] = lx end
              end
            end
          end
          ndone = ndone + 1
          done[ndone] = id
        end
      end
      i = i + 3
    else
      local last = i + 4 * tonum(na)
      i = i + 2
      local writable = true
      for j = i, last - 2, 4 do
        if ARGV[j + 1] ~= 'o' then
          local k = tonum(ARGV[j])
          local u = usable[k]
          if u == nil then u = check(k) end
          if not u then writable = false end
        end
      end
      if not own[id] then
        nlost = nlost + 1
        lost[nlost] = id
      elseif not writable then
        nbad = nbad + 1
        bad[nbad] = id
      else
        for j = i, last - 2, 4 do
          local k, mode, x = tonum(ARGV[j]), ARGV[j + 1], tonum(ARGV[j + 2])
          if mode == 'd' then
            redis.call('XADD', KEYS[k], 'MAXLEN', '~', x, '*', 'm', ARGV[j + 3])
          else
            local u = usable[k]
            if u == nil then u = check(k) end
            if u then
              redis.call('XADD', KEYS[k], '*', 'm', ARGV[j + 3])
              if x > 0 then
                local e = expire[k]
                if e == nil or x > e then expire[k] = x end
              end
            end
          end
        end
        ndone = ndone + 1
        done[ndone] = id
      end
      if last - 2 >= i then lk, lmode, lx = tonum(ARGV[last - 2]), ARGV[last - 1], tonum(ARGV[last]) end
      i = last + 2
    end
  end
  finish(stream, done, 1, ndone)
end
for k, ttl in pairs(expire) do redis.call('PEXPIRE', KEYS[k], ttl) end
return {lost, bad}
`)

// entryLess orders stream entry ids ("<ms>-<seq>") as Redis does.
func entryLess(a, b string) bool {
	am, as, _ := strings.Cut(a, "-")
	bm, bs, _ := strings.Cut(b, "-")
	if len(am) != len(bm) {
		return len(am) < len(bm)
	}
	if am != bm {
		return am < bm
	}
	if len(as) != len(bs) {
		return len(as) < len(bs)
	}
	return as < bs
}
