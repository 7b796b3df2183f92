/**
 * Migration 4: evidence files (screenshot, full-tab screenshot, source HTML) in the database, so
 * that several server processes on one PostgreSQL serve the same team (server/files/store.ts).
 * Each file is kept in chunks of at most FILE_CHUNK_BYTES; its path is the same relative path the
 * evidence row names (`<record id>/<sha256>.png`, ...), which includes the file's hash.
 * Never edit once shipped: add a new migration.
 */
export const FILES_MIGRATION = {
  version: 4,
  name: 'evidence files in the database',
  sql: `
    CREATE TABLE evidence_files (
      path   text NOT NULL,
      part   integer NOT NULL CHECK (part >= 0),
      bytes  bytea NOT NULL,
      PRIMARY KEY (path, part)
    );
    CREATE TABLE evidence_file_sums (
      path     text PRIMARY KEY,
      sha256   text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      size     bigint NOT NULL CHECK (size >= 0),
      parts    integer NOT NULL CHECK (parts >= 0),
      stored_at timestamptz NOT NULL
    );
  `,
} as const;
