/** The sync engine's overall state, shown in the popup and options page ("every state visible"). */
import { storage } from 'wxt/utils/storage';

export interface SyncStatus {
  state: 'idle' | 'unconfigured' | 'syncing' | 'ok' | 'retrying' | 'offline' | 'paused' | 'locked';
  /** Already translated for the monitor; never contains the token. */
  message: string;
  httpStatus?: number | null;
  at: string;
}

export const syncStatusItem = storage.defineItem<SyncStatus>('local:syncStatus', {
  fallback: { state: 'idle', message: '', at: new Date(0).toISOString() },
});
