/**
 * The background side of the encrypted store: turn encryption on or off, unlock, lock, change the
 * passphrase. One operation at a time. Turning it on or off converts every stored record through
 * convertAllRows (resumable: a run cut short is finished at the next unlock or worker start).
 * Passphrases arrive only from the extension's own pages (checked by the router), are parsed with
 * zod, and are never logged, stored or put in a reply.
 */
import '../zod-config';
import { z } from 'zod';
import { clearAllEvidence, convertAllRows, listIdsAndStatus } from '../db/evidence-db';
import { appendDeletion } from '../workbench/deletions';
import { getSettings } from '../settings';
import { refreshBadge } from './badge';
import {
  createVault, lockVault, MIN_PASSPHRASE_LENGTH, removeVault, setPhase, unlockVault, changePassphrase,
  vaultState, WeakPassphraseError, WrongPassphraseError, VaultLockedError,
} from '../db/vault';
import type { Lang } from '../i18n/messages';
import { tv } from '../i18n/vault-messages';
import type { ToBackgroundVault, VaultReply, VaultStatus } from '../vault-protocol';

const pass = z.string().min(1).max(1024);
export const vaultMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('vault-status') }),
  z.object({ type: z.literal('vault-enable'), passphrase: pass }),
  z.object({ type: z.literal('vault-unlock'), passphrase: pass }),
  z.object({ type: z.literal('vault-lock') }),
  z.object({ type: z.literal('vault-change'), current: pass, next: pass }),
  z.object({ type: z.literal('vault-disable'), passphrase: pass }),
  z.object({ type: z.literal('vault-reset'), confirm: z.literal('HAPUS') }),
]);
const TYPES = new Set(['vault-status', 'vault-enable', 'vault-unlock', 'vault-lock', 'vault-change', 'vault-disable', 'vault-reset']);

export async function vaultStatus(): Promise<VaultStatus> {
  const st = await vaultState();
  return {
    enabled: !!st.meta,
    unlocked: !st.meta || !!st.keys,
    phase: st.meta?.phase ?? null,
    iterations: st.meta?.kdf.iterations ?? null,
  };
}

let queue: Promise<unknown> = Promise.resolve();
function serial<T>(fn: () => Promise<T>): Promise<T> {
  const run = queue.then(fn);
  queue = run.catch(() => undefined);
  return run;
}

/**
 * Finish a conversion cut short (worker killed, browser closed while encrypting or decrypting).
 * Needs the vault unlocked; does nothing otherwise.
 */
export function resumeVaultConversion(): Promise<{ records: number; screenshots: number } | null> {
  return serial(async () => {
    const st = await vaultState();
    if (!st.meta || !st.keys || st.meta.phase === 'on') return null;
    const phase = st.meta.phase;
    const done = await convertAllRows();
    if (phase === 'sealing') await setPhase('on');
    else await removeVault();
    return done;
  });
}

export interface VaultHooks {
  /** after the records became readable (unlock, or encryption turned off): recover the queue, sync */
  onUnlocked?: () => void;
}

export function handleVaultMessage(msg: unknown, lang: Lang, hooks: VaultHooks = {}): Promise<VaultReply> | undefined {
  const type = (msg as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !TYPES.has(type)) return undefined;
  const parsed = vaultMessageSchema.safeParse(msg);
  if (!parsed.success) {
    return vaultStatus().then((status) => ({ ok: false, code: 'invalid', message: tv(lang, 'errFailed', { reason: 'invalid message' }), status }));
  }
  return run(parsed.data, lang, hooks).catch(async (e: unknown): Promise<VaultReply> => {
    const status = await vaultStatus().catch(() => ({ enabled: true, unlocked: false, phase: null, iterations: null }));
    if (e instanceof WrongPassphraseError) return { ok: false, code: 'wrong', message: tv(lang, 'errWrong'), status };
    if (e instanceof WeakPassphraseError) return { ok: false, code: 'weak', message: tv(lang, 'errWeak', { n: MIN_PASSPHRASE_LENGTH }), status };
    if (e instanceof VaultLockedError) return { ok: false, code: 'error', message: tv(lang, 'lockedTitle'), status };
    return { ok: false, code: 'error', message: tv(lang, 'errFailed', { reason: String((e as Error)?.message ?? e).slice(0, 300) }), status };
  });
}

async function run(m: ToBackgroundVault, lang: Lang, hooks: VaultHooks): Promise<VaultReply> {
  switch (m.type) {
    case 'vault-status':
      return { ok: true, status: await vaultStatus() };
    case 'vault-enable': {
      const done = await serial(async () => {
        await createVault(m.passphrase);
        const n = await convertAllRows();
        await setPhase('on');
        return n;
      });
      return { ok: true, status: await vaultStatus(), ...done };
    }
    case 'vault-unlock': {
      await serial(() => unlockVault(m.passphrase));
      const resumed = await resumeVaultConversion();
      hooks.onUnlocked?.();
      return { ok: true, status: await vaultStatus(), ...(resumed ?? {}) };
    }
    case 'vault-lock':
      await serial(() => lockVault());
      return { ok: true, status: await vaultStatus() };
    case 'vault-change':
      await serial(() => changePassphrase(m.current, m.next));
      return { ok: true, status: await vaultStatus() };
    case 'vault-disable': {
      const done = await serial(async () => {
        await unlockVault(m.passphrase); // proves the passphrase, and the records must be readable
        await setPhase('unsealing');
        const n = await convertAllRows();
        await removeVault();
        return n;
      });
      hooks.onUnlocked?.();
      return { ok: true, status: await vaultStatus(), ...done };
    }
    case 'vault-reset': {
      const deleted = await serial(() => resetVault(tv(lang, 'resetReason')));
      hooks.onUnlocked?.();
      void refreshBadge().catch(() => undefined);
      return { ok: true, status: await vaultStatus(), deleted };
    }
  }
}

/**
 * The passphrase is lost: the records cannot be read by anyone, so they are deleted (the monitor
 * typed HAPUS) and encryption is turned off. Each deletion is first written to the hash-chained
 * deletion log (id, status, reason; the rest is unreadable), so the loss stays accountable.
 */
async function resetVault(reason: string): Promise<number> {
  const st = await vaultState();
  if (!st.meta) throw new Error('encryption is off');
  if (st.keys) throw new Error('the store is unlocked: turn encryption off instead');
  const rows = await listIdsAndStatus();
  const actor = (await getSettings()).monitor.name || null;
  for (const r of rows) {
    await appendDeletion({
      id: r.id, at: new Date().toISOString(), actor, sha256: '', subjectName: null, reason, custodyHead: null, status: r.status,
    });
  }
  await clearAllEvidence();
  await removeVault();
  return rows.length;
}
