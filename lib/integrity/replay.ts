/**
 * The strict rule's second half: a record's current content must equal the signed capture with
 * the edits of its custody log replayed in order. An edit entry's details are
 * `{changes: [{path: "section.key", from, to}, ...]}`; replaying one change:
 *  1. section is subject, violation, post or comment; when post/comment is null it first becomes
 *     an object with every field of that section null (POST_FIELDS / COMMENT_FIELDS);
 *  2. the current value at the path (absent = null) must equal `from`;
 *  3. the value becomes `to`, and fieldSources[path] becomes "user".
 * Values are compared as JSON (key order does not matter; absent and undefined members are equal).
 */
export const POST_FIELDS = ['id', 'url', 'authorName', 'authorUrl', 'text', 'postedAt', 'postedAtLabel', 'mediaType'] as const;
export const COMMENT_FIELDS = ['id', 'url', 'parentId', 'authorName', 'authorUrl', 'text', 'postedAt', 'postedAtLabel'] as const;
const SECTIONS = new Set(['subject', 'violation', 'post', 'comment']);

export interface EditChange { path: string; from: unknown; to: unknown }
export interface EditEntry { action: string; at?: string; actor?: string | null; details?: unknown }

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** JSON value equality (objects by keys, arrays by order). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return (a ?? null) === (b ?? null);
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => jsonEqual(x, bb[i]));
  }
  const ao = a as Record<string, unknown>, bo = b as Record<string, unknown>;
  const ka = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const kb = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(bo, k) && jsonEqual(ao[k], bo[k]));
}

export function changesOf(entry: EditEntry): EditChange[] | null {
  const d = entry.details as { changes?: unknown } | undefined;
  if (!d || typeof d !== 'object' || !Array.isArray(d.changes)) return null;
  const out: EditChange[] = [];
  for (const c of d.changes as unknown[]) {
    const cc = c as Partial<EditChange> | null;
    // path, from and to must all be present (null is a value; absent is not)
    if (!cc || typeof cc !== 'object' || typeof cc.path !== 'string' || !('from' in cc) || !('to' in cc)) return null;
    out.push({ path: cc.path, from: cc.from, to: cc.to });
  }
  return out;
}

export type ReplayResult =
  | { ok: true; record: Record<string, unknown> }
  | { ok: false; entryIndex: number; path: string; reason: string; reasonId: string };

/** Replays the edit entries of `log` on a copy of `signed` (the parsed attestation payload). */
export function replayEdits(signed: Record<string, unknown>, log: readonly EditEntry[]): ReplayResult {
  const rec = structuredClone(signed) as Record<string, Json>;
  for (let i = 0; i < log.length; i++) {
    const e = log[i]!;
    if (e.action !== 'edit') continue;
    const changes = changesOf(e);
    if (!changes) return { ok: false, entryIndex: i, path: '', reason: `custody entry ${i + 1} (edit) does not list its changes as {path, from, to}`, reasonId: `entri serah-terima ${i + 1} (ubah) tidak mencantumkan perubahannya sebagai {path, from, to}` };
    for (const c of changes) {
      const parts = c.path.split('.');
      const [section, key] = parts;
      if (parts.length !== 2 || !SECTIONS.has(section!) || !key) {
        return { ok: false, entryIndex: i, path: c.path, reason: `custody entry ${i + 1} edits ${c.path}, which a monitor cannot change`, reasonId: `entri serah-terima ${i + 1} mengubah ${c.path}, yang tidak boleh diubah pengawas` };
      }
      let target = rec[section!];
      if (target === null && (section === 'post' || section === 'comment')) {
        target = Object.fromEntries((section === 'post' ? POST_FIELDS : COMMENT_FIELDS).map((f) => [f, null]));
        rec[section!] = target;
      }
      if (!target || typeof target !== 'object' || Array.isArray(target)) {
        return { ok: false, entryIndex: i, path: c.path, reason: `custody entry ${i + 1} edits ${c.path}, but that section is missing`, reasonId: `entri serah-terima ${i + 1} mengubah ${c.path}, tetapi bagian itu tidak ada` };
      }
      const obj = target as Record<string, Json>;
      if (!jsonEqual(obj[key!] ?? null, c.from)) {
        return { ok: false, entryIndex: i, path: c.path, reason: `custody entry ${i + 1} says ${c.path} was ${short(c.from)}, but it was ${short(obj[key!] ?? null)}`, reasonId: `entri serah-terima ${i + 1} menyebut ${c.path} semula ${short(c.from)}, padahal ${short(obj[key!] ?? null)}` };
      }
      obj[key!] = structuredClone(c.to) as Json;
      const fs = rec.fieldSources;
      if (fs && typeof fs === 'object' && !Array.isArray(fs)) fs[c.path] = 'user';
      else rec.fieldSources = { [c.path]: 'user' };
    }
  }
  return { ok: true, record: rec };
}

export interface FieldDiff { path: string; expected: unknown; actual: unknown }

/** Leaf paths whose values differ between `expected` and `actual` (JSON values). */
export function diffFields(expected: unknown, actual: unknown, prefix = '', out: FieldDiff[] = [], limit = 50): FieldDiff[] {
  if (out.length >= limit || jsonEqual(expected, actual)) return out;
  const isObj = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!isObj(expected) || !isObj(actual)) {
    out.push({ path: prefix || '(record)', expected: expected ?? null, actual: actual ?? null });
    return out;
  }
  const e = expected as Record<string, unknown>, a = actual as Record<string, unknown>;
  for (const k of [...new Set([...Object.keys(e), ...Object.keys(a)])].sort()) {
    diffFields(e[k], a[k], prefix ? `${prefix}.${k}` : k, out, limit);
  }
  return out;
}

/** A value for a message: JSON, shortened, control characters escaped. */
export function short(v: unknown, max = 80): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? 'null';
  } catch {
    s = String(v);
  }
  if (s.length > max) s = `${s.slice(0, max - 3)}...`;
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
