/** Messages between the extension's pages and the background about the encrypted store (types only). */
import type { VaultPhase } from './db/vault';

export type ToBackgroundVault =
  | { type: 'vault-status' }
  | { type: 'vault-enable'; passphrase: string }
  | { type: 'vault-unlock'; passphrase: string }
  | { type: 'vault-lock' }
  | { type: 'vault-change'; current: string; next: string }
  | { type: 'vault-disable'; passphrase: string }
  /** Passphrase lost: delete every local record (tombstones kept) and turn encryption off. */
  | { type: 'vault-reset'; confirm: 'HAPUS' };

export interface VaultStatus {
  enabled: boolean;
  /** the records can be read now (always true when encryption is off) */
  unlocked: boolean;
  phase: VaultPhase | null;
  iterations: number | null;
}

export type VaultReply =
  | { ok: true; status: VaultStatus; records?: number; screenshots?: number; deleted?: number }
  | { ok: false; code: 'wrong' | 'weak' | 'mismatch' | 'invalid' | 'error'; message: string; status: VaultStatus };
