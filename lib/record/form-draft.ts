/**
 * What the review form keeps while the monitor types ("autosave"), before "Simpan bukti".
 *
 * Where: in the record's own row (StoredEvidence.extras.formDraft), written by the background
 * ('save-form-draft'). Not a separate store in storage.local: the row is sealed with the rest of
 * the record when the evidence store is encrypted (lib/db/evidence-db.ts), so typed text is never
 * kept in plain text beside an encrypted record; it is deleted with the record; and no second
 * store can drift from the records. Not applied to the record itself: a half-typed NIP would fail
 * validation, and every keystroke would become a signed custody entry.
 *
 * "Unsaved" once autosave exists: the form's values differ from the record as last saved with
 * "Simpan bukti" (or "Simpan koreksi"). Such input is kept on the device as this draft and comes
 * back when the record is opened again, but it is NOT in the record, the custody log or the sync
 * queue; closing the form with it asks first. Saving clears the draft.
 */
import type { GestureType, ViolationType } from './schema';

export interface FormValues {
  subject: Record<string, string>;
  post: Record<string, string>;
  comment: Record<string, string>;
  types: ViolationType[];
  candidate: string;
  election: string;
  notes: string;
}

export interface MonitorValues { name: string; nip: string; unit: string }

export interface FormDraft {
  form: FormValues;
  gestures: Array<{ type: GestureType; box: { x: number; y: number; width: number; height: number } }>;
  /** the monitor identity typed into the form while settings had none */
  monitor?: MonitorValues;
  /** when it was typed (ISO instant; set by the background) */
  at: string;
}

const trimAll = (o: Record<string, string>) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, (v ?? '').trim()]).filter(([, v]) => v !== '').sort(([a], [b]) => (a! < b! ? -1 : 1)));

/** The same values as far as saving goes (surrounding spaces and empty fields do not count). */
export function sameValues(a: FormValues, b: FormValues): boolean {
  const norm = (f: FormValues) => JSON.stringify({
    subject: trimAll(f.subject), post: trimAll(f.post), comment: trimAll(f.comment),
    types: [...f.types].sort(), candidate: f.candidate.trim(), election: f.election.trim(), notes: f.notes.trim(),
  });
  return norm(a) === norm(b);
}

export function sameGestures(a: FormDraft['gestures'], b: FormDraft['gestures']): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
