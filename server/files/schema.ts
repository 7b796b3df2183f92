/** Migration 4 (evidence files in the database). Never edit once shipped: add a new migration. */
export const FILES_MIGRATION = {
  version: 4,
  name: 'evidence files in the database',
  sql: `SELECT 1`,
} as const;
