/** Migration 6 (workspace people, sessions, login throttle, issued tokens). Never edit once shipped: add a new migration. */
export const AUTH_MIGRATION = {
  version: 6,
  name: 'workspace people, sessions, login throttle, issued tokens',
  sql: `SELECT 1`,
} as const;
