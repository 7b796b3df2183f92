/**
 * What the content script gets of the team's knowledge: per watched account (its watch key,
 * lib/watchlist/model.ts hrefKey), the words drawn beside its mark ("sudah 3 temuan tim"). The
 * background writes it (lib/team/service.ts); it holds no token, no server address, no NIP and
 * no count the words do not say. Types only: the content script imports this file.
 */
export const TEAM_MARKS_STORAGE = 'local:teamMarks' as const;

export interface TeamMarks {
  /** watch key -> the words, in the monitor's language */
  labels: Record<string, string>;
}
