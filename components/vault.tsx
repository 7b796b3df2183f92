/**
 * The encrypted store in the UI: the unlock form (popup, manager, review), a gate that shows it
 * instead of a page's content while the store is locked, and the settings section to turn
 * encryption on or off and change the passphrase. Passphrases go to the background in one message
 * and are cleared from the form at once.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { send } from './api';
import { useLang } from './i18n';
import { MIN_PASSPHRASE_LENGTH, VAULT_META_KEY, VAULT_SESSION_KEY } from '../lib/db/vault';
import { tv } from '../lib/i18n/vault-messages';
import type { Lang } from '../lib/i18n/messages';
import type { VaultReply, VaultStatus } from '../lib/vault-protocol';

/** The vault's status, refreshed whenever it is locked, unlocked, turned on or off anywhere. */
export function useVaultStatus(): [VaultStatus | null, () => void] {
  const [status, setStatus] = useState<VaultStatus | null>(null);
  const load = () => void send<VaultReply>({ type: 'vault-status' }).then((r) => setStatus(r.status)).catch(() => undefined);
  useEffect(() => {
    load();
    const onChange = (changes: Record<string, unknown>, area: string) => {
      if ((area === 'local' && VAULT_META_KEY in changes) || (area === 'session' && VAULT_SESSION_KEY in changes)) load();
    };
    browser.storage.onChanged.addListener(onChange);
    return () => browser.storage.onChanged.removeListener(onChange);
  }, []);
  return [status, load];
}

type Msg = { kind: 'ok' | 'error' | 'info'; text: string } | null;

export function UnlockForm({ lang, onUnlocked }: { lang: Lang; onUnlocked?: () => void }) {
  const [pass, setPass] = useState('');
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<Msg>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!pass) return;
    setBusy(true);
    setMsg(null);
    try {
      const r = await send<VaultReply>({ type: 'vault-unlock', passphrase: pass });
      setPass('');
      if (r.ok) {
        setMsg({ kind: 'ok', text: tv(lang, 'unlocked') });
        onUnlocked?.();
      } else setMsg({ kind: 'error', text: r.message });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} id="vault-unlock-form">
      <label for="vault-pass">{tv(lang, 'passphrase')}</label>
      <input id="vault-pass" type="password" autoComplete="current-password" value={pass}
        onInput={(e) => setPass((e.target as HTMLInputElement).value)} />
      <p><button class="primary" type="submit" id="vault-unlock" disabled={busy || !pass}>
        {busy ? tv(lang, 'unlocking') : tv(lang, 'unlock')}
      </button></p>
      {msg && <p class={`msg ${msg.kind}`} role="alert" id="vault-msg">{msg.text}</p>}
    </form>
  );
}

/** Passphrase lost: delete everything local (typed confirmation) and start again unencrypted. */
function ForgotPassphrase({ lang, onReset }: { lang: Lang; onReset?: (done: string) => void }) {
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<Msg>(null);
  const reset = async () => {
    setBusy(true);
    try {
      const r = await send<VaultReply>({ type: 'vault-reset', confirm: 'HAPUS' });
      if (r.ok) onReset?.(tv(lang, 'resetDone', { n: r.deleted ?? 0 })); // this form goes away: the parent says it
      else setMsg({ kind: 'error', text: r.message });
    } finally {
      setBusy(false);
      setTyped('');
    }
  };
  return (
    <details id="vault-forgot">
      <summary>{tv(lang, 'forgot')}</summary>
      <p>{tv(lang, 'forgotBody')}</p>
      <label for="vault-reset-confirm">{tv(lang, 'forgotConfirm')}</label>
      <input id="vault-reset-confirm" value={typed} autoComplete="off" onInput={(e) => setTyped((e.target as HTMLInputElement).value)} />
      <p><button type="button" id="vault-reset" disabled={busy || typed.trim() !== 'HAPUS'} onClick={() => void reset()}>
        {tv(lang, 'forgotButton')}
      </button></p>
      {msg && <p class={`msg ${msg.kind}`} role="alert" id="vault-reset-msg">{msg.text}</p>}
    </details>
  );
}

/** The locked notice with its unlock form. */
export function LockedNotice({ lang, onUnlocked }: { lang: Lang; onUnlocked?: (done?: string) => void }) {
  return (
    <section class="msg info" id="vault-locked" style={{ display: 'block' }}>
      <h2 style={{ marginTop: 0 }}>🔒 {tv(lang, 'lockedTitle')}</h2>
      <p>{tv(lang, 'lockedBody')}</p>
      <UnlockForm lang={lang} onUnlocked={() => onUnlocked?.()} />
      <ForgotPassphrase lang={lang} onReset={(done) => onUnlocked?.(done)} />
    </section>
  );
}

/** A page's content, or the unlock form while the encrypted store is locked. */
export function VaultGate({ children }: { children: ComponentChildren }) {
  const lang = useLang();
  const [status, reload] = useVaultStatus();
  if (!status) return null;
  if (!status.unlocked) {
    return <main class="wrap" style={{ maxWidth: '560px', margin: '24px auto' }}><LockedNotice lang={lang} onUnlocked={reload} /></main>;
  }
  return <>{children}</>;
}

/** Settings: turn encryption on or off, lock, change the passphrase. */
export function VaultSection() {
  const lang = useLang();
  const [status, reload] = useVaultStatus();
  const [f, setF] = useState({ pass: '', confirm: '', current: '', next: '', nextConfirm: '', off: '' });
  const [busy, setBusy] = useState<string | null>(null);
  const [msg, setMsg] = useState<Msg>(null);
  const field = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: (e.target as HTMLInputElement).value });
  const clear = () => setF({ pass: '', confirm: '', current: '', next: '', nextConfirm: '', off: '' });

  const act = async (label: string, check: () => string | null, msgOf: () => Parameters<typeof send>[0], done: (r: VaultReply & { ok: true }) => string) => {
    const problem = check();
    if (problem) {
      setMsg({ kind: 'error', text: problem });
      return;
    }
    setBusy(label);
    setMsg(null);
    try {
      const r = await send<VaultReply>(msgOf());
      clear();
      setMsg(r.ok ? { kind: 'ok', text: done(r) } : { kind: 'error', text: r.message });
    } catch (e) {
      setMsg({ kind: 'error', text: tv(lang, 'errFailed', { reason: String((e as Error)?.message ?? e) }) });
    } finally {
      setBusy(null);
      reload();
    }
  };
  const strong = (p: string, again: string) =>
    [...p].length < MIN_PASSPHRASE_LENGTH ? tv(lang, 'errWeak', { n: MIN_PASSPHRASE_LENGTH }) : p !== again ? tv(lang, 'errMismatch') : null;

  if (!status) return null;
  const stateText = !status.enabled ? tv(lang, 'stateOff')
    : status.phase === 'sealing' ? tv(lang, 'stateSealing')
      : status.phase === 'unsealing' ? tv(lang, 'stateUnsealing')
        : status.unlocked ? tv(lang, 'stateOnUnlocked') : tv(lang, 'stateOnLocked');

  return (
    <section id="vault">
      <h2>{tv(lang, 'section')}</h2>
      <p class="muted">{tv(lang, 'intro')}</p>
      <p id="vault-state" data-enabled={String(status.enabled)} data-unlocked={String(status.unlocked)}>
        <strong>{stateText}</strong>
        {status.iterations && <><br /><span class="muted">{tv(lang, 'iterations', { n: status.iterations.toLocaleString(lang === 'id' ? 'id-ID' : 'en-GB') })}</span></>}
      </p>

      {!status.enabled && (
        <form onSubmit={(e) => {
          e.preventDefault();
          void act('enable', () => strong(f.pass, f.confirm), () => ({ type: 'vault-enable', passphrase: f.pass }),
            (r) => tv(lang, 'enabled', { records: r.records ?? 0, screenshots: r.screenshots ?? 0 }));
        }}>
          <p class="msg error" style={{ display: 'block' }}>{tv(lang, 'forgetWarning')}</p>
          <label for="vault-new">{tv(lang, 'passphrase')} <span class="muted">({tv(lang, 'passphraseHint', { n: MIN_PASSPHRASE_LENGTH })})</span></label>
          <input id="vault-new" type="password" autoComplete="new-password" value={f.pass} onInput={field('pass')} />
          <label for="vault-confirm">{tv(lang, 'passphraseConfirm')}</label>
          <input id="vault-confirm" type="password" autoComplete="new-password" value={f.confirm} onInput={field('confirm')} />
          <p><button class="primary" type="submit" id="vault-enable" disabled={!!busy}>
            {busy === 'enable' ? tv(lang, 'enabling') : tv(lang, 'enable')}
          </button></p>
        </form>
      )}

      {status.enabled && !status.unlocked && <><UnlockForm lang={lang} onUnlocked={reload} /><ForgotPassphrase lang={lang} onReset={(done) => { setMsg({ kind: 'ok', text: done }); reload(); }} /></>}

      {status.enabled && status.unlocked && (
        <>
          <p><button type="button" id="vault-lock" disabled={!!busy}
            onClick={() => void act('lock', () => null, () => ({ type: 'vault-lock' }), () => tv(lang, 'lockedNow'))}>
            🔒 {tv(lang, 'lockNow')}
          </button></p>
          <form onSubmit={(e) => {
            e.preventDefault();
            void act('change', () => strong(f.next, f.nextConfirm), () => ({ type: 'vault-change', current: f.current, next: f.next }), () => tv(lang, 'changed'));
          }}>
            <h3>{tv(lang, 'change')}</h3>
            <label for="vault-current">{tv(lang, 'passphraseCurrent')}</label>
            <input id="vault-current" type="password" autoComplete="current-password" value={f.current} onInput={field('current')} />
            <label for="vault-next">{tv(lang, 'passphraseNew')}</label>
            <input id="vault-next" type="password" autoComplete="new-password" value={f.next} onInput={field('next')} />
            <label for="vault-next-confirm">{tv(lang, 'passphraseConfirm')}</label>
            <input id="vault-next-confirm" type="password" autoComplete="new-password" value={f.nextConfirm} onInput={field('nextConfirm')} />
            <p><button type="submit" id="vault-change" disabled={!!busy}>{tv(lang, 'change')}</button></p>
          </form>
          <form onSubmit={(e) => {
            e.preventDefault();
            void act('disable', () => (f.off ? null : tv(lang, 'errWrong')), () => ({ type: 'vault-disable', passphrase: f.off }),
              (r) => tv(lang, 'disabled', { records: r.records ?? 0 }));
          }}>
            <h3>{tv(lang, 'disable')}</h3>
            <p class="muted">{tv(lang, 'disableHint')}</p>
            <label for="vault-off">{tv(lang, 'passphrase')}</label>
            <input id="vault-off" type="password" autoComplete="current-password" value={f.off} onInput={field('off')} />
            <p><button type="submit" id="vault-disable" disabled={!!busy}>
              {busy === 'disable' ? tv(lang, 'disabling') : tv(lang, 'disable')}
            </button></p>
          </form>
        </>
      )}
      {msg && <p class={`msg ${msg.kind}`} role="status" id="vault-section-msg">{msg.text}</p>}
    </section>
  );
}
