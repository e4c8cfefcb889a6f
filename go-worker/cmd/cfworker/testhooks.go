//go:build cfworker_testhooks

package main

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"

	worker "github.com/celestialflow/celestialflow-java/go-worker"
)

// Built only with -tags cfworker_testhooks, by this package's tests: a "count" stage whose
// handler counts its executions in Redis, a side channel the kill and stop tests read to tell
// how many times each task ran.
func init() {
	register = append(register, func(m *worker.Mux, c *config) {
		url := c.opts.URL
		if url == "" {
			url = worker.DefaultURL
		}
		opt, err := redis.ParseURL(url)
		if err != nil {
			panic(err)
		}
		rdb := redis.NewClient(opt)
		worker.Handle(m, "count", func(ctx context.Context, ms int64) (string, error) {
			t, _ := worker.TaskFrom(ctx)
			if err := rdb.HIncrBy(ctx, "cftest:started", t.ID, 1).Err(); err != nil {
				return "", err
			}
			select {
			case <-time.After(time.Duration(ms) * time.Millisecond):
			case <-ctx.Done():
				return "", context.Cause(ctx)
			}
			if err := rdb.HIncrBy(ctx, "cftest:finished", t.ID, 1).Err(); err != nil {
				return "", err
			}
			return t.ID, nil
		})
	})
}
