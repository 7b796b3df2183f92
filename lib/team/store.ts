/** Where the team's knowledge is kept in extension storage (written by the background only). */
import { storage } from 'wxt/utils/storage';
import type { KnowledgeCache } from './knowledge';
import { TEAM_MARKS_STORAGE, type TeamMarks } from './marks';

/** The cached answers (no token: only the server's address they came from). */
export const teamCacheItem = storage.defineItem<KnowledgeCache | null>('local:teamKnowledge', { fallback: null });
/** The content script's words per watched account. */
export const teamMarksItem = storage.defineItem<TeamMarks>(TEAM_MARKS_STORAGE, { fallback: { labels: {} } });
