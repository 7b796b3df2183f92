/**
 * Migration 6 (workspace people, sessions, login throttle, issued tokens). Never edit once shipped:
 * add a new migration.
 *
 * Secrets never stored in plain: passwords as scrypt strings (server/auth/password.ts), session ids
 * and issued tokens as their SHA-256 (hex). All times are written by the application (its clock,
 * injectable in tests), never SQL now(), so every comparison uses one clock.
 */
export const AUTH_MIGRATION = {
  version: 6,
  name: 'workspace people, sessions, login throttle, issued tokens',
  sql: `
    CREATE TABLE auth_people (
      username      text PRIMARY KEY CHECK (username ~ '^[a-z0-9._-]{2,40}$'),
      display_name  text NOT NULL,
      role          text NOT NULL CHECK (role IN ('monitor', 'coordinator', 'auditor')),
      monitor       text,
      password_hash text NOT NULL CHECK (password_hash LIKE '$scrypt$%'),
      created_at    timestamptz NOT NULL,
      created_by    text NOT NULL,
      disabled_at   timestamptz,
      disabled_by   text,
      CHECK ((role = 'monitor') = (monitor IS NOT NULL))
    );
    CREATE INDEX auth_people_role_idx ON auth_people (role) WHERE disabled_at IS NULL;

    CREATE TABLE auth_sessions (
      id_sha256    text PRIMARY KEY CHECK (id_sha256 ~ '^[0-9a-f]{64}$'),
      username     text NOT NULL REFERENCES auth_people (username),
      csrf         text NOT NULL,
      created_at   timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL,
      client       text NOT NULL
    );
    CREATE INDEX auth_sessions_username_idx ON auth_sessions (username);
    CREATE INDEX auth_sessions_created_idx ON auth_sessions (created_at);

    CREATE TABLE auth_throttle (
      kind            text NOT NULL CHECK (kind IN ('user', 'addr')),
      key             text NOT NULL,
      failures        integer NOT NULL CHECK (failures >= 0),
      last_failure_at timestamptz NOT NULL,
      locked_until    timestamptz,
      PRIMARY KEY (kind, key)
    );

    CREATE TABLE auth_tokens (
      id           text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{8}$'),
      token_sha256 text NOT NULL UNIQUE CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
      monitor      text NOT NULL,
      role         text NOT NULL CHECK (role IN ('monitor', 'coordinator', 'auditor')),
      label        text NOT NULL,
      created_at   timestamptz NOT NULL,
      created_by   text NOT NULL,
      revoked_at   timestamptz,
      revoked_by   text
    );
  `,
} as const;
