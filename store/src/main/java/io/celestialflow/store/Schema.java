package io.celestialflow.store;

import java.util.List;

/**
 * The store's tables, version 1. Times are epoch milliseconds; runs are referred to by a small
 * integer key ({@code runs.key}) so that the big tables stay small; exception types and stack
 * traces are stored once each and referred to by id. Lineage is not in the database but in files
 * beside it ({@link LineageFiles}); a store made by an earlier build may still hold a {@code
 * lineage} table, which nothing reads.
 */
final class Schema {
  /** The value of {@code meta.format} that marks a CelestialFlow run store. */
  static final String FORMAT = "celestialflow-run-store";

  /** The schema version this code writes and reads. */
  static final int VERSION = 1;

  static final List<String> DDL =
      List.of(
          "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
          // One row per run. structure: the graph's Topology as JSON; stage_types: JSON object
          // stage -> declared task type (or null); inputs: JSON of the input positions.
          """
          CREATE TABLE IF NOT EXISTS runs(
            key INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            graph TEXT NOT NULL,
            structure TEXT NOT NULL,
            stage_types TEXT NOT NULL,
            origin TEXT,
            origin_kind TEXT NOT NULL,
            started_at INTEGER NOT NULL,
            ended_at INTEGER,
            state TEXT NOT NULL,
            failures INTEGER NOT NULL DEFAULT 0,
            unfinished INTEGER NOT NULL DEFAULT 0,
            dropped INTEGER NOT NULL DEFAULT 0,
            note TEXT)\
          """,
          """
          CREATE TABLE IF NOT EXISTS stage_counts(
            run INTEGER NOT NULL, position INTEGER NOT NULL, stage TEXT NOT NULL, mode TEXT NOT NULL,
            received INTEGER NOT NULL, succeeded INTEGER NOT NULL, failed INTEGER NOT NULL,
            duplicates INTEGER NOT NULL, retries INTEGER NOT NULL, unfinished INTEGER NOT NULL,
            emitted INTEGER NOT NULL, elapsed_ms INTEGER NOT NULL,
            PRIMARY KEY(run, position)) WITHOUT ROWID\
          """,
          """
          CREATE TABLE IF NOT EXISTS inputs(
            run INTEGER NOT NULL, source INTEGER NOT NULL, stage TEXT NOT NULL,
            start INTEGER NOT NULL, read INTEGER NOT NULL, exhausted INTEGER NOT NULL,
            failed INTEGER NOT NULL,
            PRIMARY KEY(run, source)) WITHOUT ROWID\
          """,
          // chain: the type and its supertypes, most specific first, one per line.
          """
          CREATE TABLE IF NOT EXISTS error_types(
            id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, chain TEXT NOT NULL)\
          """,
          """
          CREATE TABLE IF NOT EXISTS error_supertypes(
            super TEXT NOT NULL, type INTEGER NOT NULL, PRIMARY KEY(super, type)) WITHOUT ROWID\
          """,
          // A stack trace without its first line (the exception's own "type: message"), stored once
          // however many failures share it.
          """
          CREATE TABLE IF NOT EXISTS traces(
            id INTEGER PRIMARY KEY, hash INTEGER NOT NULL, body TEXT NOT NULL)\
          """,
          "CREATE INDEX IF NOT EXISTS traces_hash ON traces(hash)",
          // task: JSON via the codecs, or toString when task_note says why not. head: the trace's
          // first line when it is not the usual "type: message".
          """
          CREATE TABLE IF NOT EXISTS failures(
            id INTEGER PRIMARY KEY,
            run INTEGER NOT NULL, stage TEXT NOT NULL, task_id INTEGER NOT NULL,
            task TEXT NOT NULL, task_type TEXT NOT NULL, task_note TEXT,
            type INTEGER NOT NULL, message TEXT NOT NULL,
            trace INTEGER NOT NULL, head TEXT,
            attempts INTEGER NOT NULL, failed_at INTEGER NOT NULL)\
          """,
          // No index: a failure query reads the failures newest first, by id, within the blocks of
          // ids FailureBlocks names (and TextBlocks does not rule out), and stops once the page is
          // full.
          FailureBlocks.DDL,
          """
          CREATE TABLE IF NOT EXISTS failure_counts(
            run INTEGER NOT NULL, stage TEXT NOT NULL, type INTEGER NOT NULL,
            count INTEGER NOT NULL, PRIMARY KEY(run, stage, type)) WITHOUT ROWID\
          """,
          // Tasks a run did not finish, at the stage they were waiting for.
          """
          CREATE TABLE IF NOT EXISTS unfinished(
            id INTEGER PRIMARY KEY, run INTEGER NOT NULL, stage TEXT NOT NULL,
            task TEXT NOT NULL, task_type TEXT NOT NULL, task_note TEXT)\
          """,
          "CREATE INDEX IF NOT EXISTS unfinished_run ON unfinished(run, stage)",
          """
          CREATE TABLE IF NOT EXISTS stats(
            run INTEGER NOT NULL, at INTEGER NOT NULL, stage TEXT NOT NULL,
            received INTEGER NOT NULL, succeeded INTEGER NOT NULL, failed INTEGER NOT NULL,
            duplicates INTEGER NOT NULL, retries INTEGER NOT NULL, pending INTEGER NOT NULL,
            running INTEGER NOT NULL, emitted INTEGER NOT NULL,
            PRIMARY KEY(run, at, stage)) WITHOUT ROWID\
          """);

  /**
   * One row per block of 1,024 failure ids: a Bloom filter of the trigrams of their messages and
   * tasks ({@link TextBlocks}). Failures with ids below {@code meta.text_index_from} (written
   * before this table existed) have none and are always scanned.
   */
  static final String TEXT_BLOCKS =
      "CREATE TABLE IF NOT EXISTS text_blocks(block INTEGER PRIMARY KEY, bits BLOB NOT NULL)";

  /**
   * Run on every open after {@link #DDL}: adds what a store made by an earlier build of version 1
   * lacks (idempotent).
   */
  static final List<String> UPGRADE =
      List.of(
          TEXT_BLOCKS,
          // The durable journal of runs recorded with it: rows of a run are deleted when it ends.
          // from_stage: the stage whose task produced the task (null: an input, source >= 0, or
          // an injected task, source -1).
          """
          CREATE TABLE IF NOT EXISTS journal_entered(
            run INTEGER NOT NULL, stage TEXT NOT NULL, task INTEGER NOT NULL,
            parent INTEGER NOT NULL, from_stage TEXT, source INTEGER NOT NULL,
            payload TEXT NOT NULL, task_type TEXT NOT NULL, task_note TEXT)\
          """,
          """
          CREATE TABLE IF NOT EXISTS journal_settled(
            run INTEGER NOT NULL, stage TEXT NOT NULL, task INTEGER NOT NULL,
            succeeded INTEGER NOT NULL)\
          """,
          // Successful tasks with their outputs (RecordOptions.withResults). task: JSON via the
          // codecs (or toString, with note saying why); outputs: a JSON array of the outputs.
          """
          CREATE TABLE IF NOT EXISTS results(
            id INTEGER PRIMARY KEY, run INTEGER NOT NULL, stage TEXT NOT NULL,
            task_id INTEGER NOT NULL, task TEXT NOT NULL, task_type TEXT NOT NULL,
            outputs TEXT NOT NULL, note TEXT)\
          """,
          "CREATE INDEX IF NOT EXISTS results_run ON results(run, stage)",
          // The runs recorded with the journal that have not ended: a run killed before its
          // first journal row was committed is still known to be one (and recovered as such).
          "CREATE TABLE IF NOT EXISTS journal_runs(run INTEGER PRIMARY KEY)",
          "INSERT OR IGNORE INTO meta(key, value) SELECT 'text_index_from',"
              + " coalesce(max(id), 0) + 1 FROM failures",
          // A store made by a build that indexed the failures table by (run, stage) and (run,
          // type): its blocks counted from its failures, and the indexes dropped.
          FailureBlocks.DDL,
          FailureBlocks.BACKFILL,
          "DROP INDEX IF EXISTS failures_stage",
          "DROP INDEX IF EXISTS failures_type");

  private Schema() {}
}
