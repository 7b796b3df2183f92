/**
 * Autosave of what the monitor types (lib/record/form-draft.ts says where and why): half a second
 * after the last change, the form's values go to the record's draft in the background; when they
 * are back to the saved record, the draft is dropped. `flush()` waits for the last write (before
 * "Simpan bukti", so a late draft cannot land after the save).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { FormDraft } from '../lib/record/form-draft';
import { send } from './api';

export type AutosaveState = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved'; at: string } | { kind: 'error'; reason: string };

export const AUTOSAVE_DELAY_MS = 500;

export function useFormDraft(opts: {
  id: string;
  /** the values to keep, or null when they equal the saved record (nothing unsaved) */
  draft: Omit<FormDraft, 'at'> | null;
  /** false: nothing to autosave (still loading, read-only, being saved) */
  enabled: boolean;
  /** a draft is stored for this record now (restored on load) */
  stored: boolean;
}): { state: AutosaveState; flush(): Promise<void>; settle(): Promise<void>; markCleared(): void } {
  const [state, setState] = useState<AutosaveState>({ kind: 'idle' });
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const inFlight = useRef<Promise<void>>(Promise.resolve());
  const hasStored = useRef(opts.stored);
  const pending = useRef<(() => Promise<void>) | null>(null);
  useEffect(() => { hasStored.current = opts.stored; }, [opts.stored]);

  const key = JSON.stringify(opts.draft);
  useEffect(() => {
    if (!opts.enabled) return;
    if (!opts.draft && !hasStored.current) return;
    const draft = opts.draft;
    const write = async () => {
      pending.current = null;
      setState(draft ? { kind: 'saving' } : { kind: 'idle' });
      try {
        const r = await send<{ ok: true; at: string | null } | { ok: false; message: string }>({ type: 'save-form-draft', id: opts.id, draft });
        if (r?.ok) {
          hasStored.current = !!draft;
          setState(draft && r.at ? { kind: 'saved', at: r.at } : { kind: 'idle' });
        } else setState({ kind: 'error', reason: r?.message ?? '' });
      } catch (e) {
        setState({ kind: 'error', reason: String((e as Error)?.message ?? e) });
      }
    };
    pending.current = write;
    timer.current = setTimeout(() => { inFlight.current = inFlight.current.then(write); }, AUTOSAVE_DELAY_MS);
    return () => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
    };
  }, [key, opts.enabled, opts.id]);

  return {
    state,
    /** write what is pending now and wait for every draft write */
    flush: async () => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
      const w = pending.current;
      if (w) inFlight.current = inFlight.current.then(w);
      await inFlight.current;
    },
    /** drop what is pending (a save follows) and wait for the writes already sent */
    settle: async () => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
      pending.current = null;
      await inFlight.current;
    },
    /** the save just cleared the stored draft (background side) */
    markCleared: () => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
      pending.current = null;
      hasStored.current = false;
      setState({ kind: 'idle' });
    },
  };
}
