/**
 * Fuzzing the background's message router (lib/background/handlers.ts `handleMessage`) with
 * ~2,000 generated malformed messages per sender kind: our own page, a content script, a stranger.
 *
 * For every message: handleMessage never throws (nor rejects); a stranger is never answered
 * (undefined); a malformed message from our page or a content script is answered with
 * `{ ok: false, message }`; and the stored data (fake IndexedDB: every record and every blob) is
 * byte-for-byte what it was. Object.prototype is never polluted.
 *
 * Reproducible: a seeded PRNG (mulberry32). Set FUZZ_SEED to replay or explore another seed
 * (FUZZ_SEED=random picks one); FUZZ_COUNT changes the number of messages per sender kind. Every
 * failure names the seed, the sender kind, the message index and the message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  blobKey, closeEvidenceDb, insertEvidence, openEvidenceDb, type StoredEvidence,
} from '../../../lib/db/evidence-db';
import { handleMessage, isContentScript, isOwnPage, type Sender } from '../../../lib/background/handlers';
import { fromContentSchema, fromPagesSchema } from '../../../lib/background/message-schema';
import { exportMessageSchema } from '../../../lib/background/export-handlers';
import { makeItem } from '../export/make-record';

const SEED = process.env.FUZZ_SEED === 'random'
  ? Math.floor(Math.random() * 2 ** 32)
  : Number(process.env.FUZZ_SEED ?? 0x5eed_a5e1) >>> 0;
const COUNT = Number(process.env.FUZZ_COUNT ?? 2000);

// ---------------------------------------------------------------------------------------------
// PRNG and generators

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Gen {
  constructor(readonly rnd: () => number) {}
  int(n: number): number { return Math.floor(this.rnd() * n); }
  bool(p = 0.5): boolean { return this.rnd() < p; }
  pick<T>(list: readonly T[]): T { return list[this.int(list.length)]!; }

  string(): string {
    switch (this.int(9)) {
      case 0: return '';
      case 1: return 'x'.repeat(1 + this.int(64));
      case 2: return 'A'.repeat(100_000 + this.int(1_000_000)); // huge
      case 3: return String.fromCharCode(...Array.from({ length: 1 + this.int(40) }, () => this.int(0x10000)));
      case 4: return this.pick(['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf']);
      case 5: return this.pick(['../../etc/passwd', "' OR 1=1 --", '<img src=x onerror=alert(1)>', '\u0000', '\ud800', 'null', 'undefined', 'NaN']);
      case 6: return this.pick(KNOWN_TYPES);
      case 7: return this.badId();
      default: return this.int(1e9).toString(36);
    }
  }

  /** Ids that are not ours or not uuids at all (zod's uuid is strict). */
  badId(): string {
    return this.pick([
      '', 'not-a-uuid', '11111111-1111-1111-1111-11111111111', '11111111-1111-4111-8111-1111111111111',
      '11111111_1111_4111_8111_111111111111', 'gggggggg-gggg-4ggg-8ggg-gggggggggggg', `${EXISTING[0]} `,
      ` ${EXISTING[1]}`, EXISTING[0]!.toUpperCase().replace(/-/g, ''), `${EXISTING[2]}/../x`, '00000000-0000-0000-0000-000000000000',
      'ffffffff-ffff-ffff-ffff-ffffffffffff', '{11111111-1111-4111-8111-111111111111}', '%31%31', '*', '%', 'x'.repeat(100_000),
      // valid uuids that are not stored
      '9b2e6c9d-6f1f-4c55-9c9c-000000000001', 'a0a0a0a0-b1b1-4c2c-8d3d-e4e4e4e4e4e4',
    ]);
  }

  scalar(): unknown {
    switch (this.int(11)) {
      case 0: return null;
      case 1: return undefined;
      case 2: return this.bool();
      case 3: return this.int(2) ? this.int(1e6) : -this.int(1e6);
      case 4: return this.pick([NaN, Infinity, -Infinity, -0, Number.MAX_SAFE_INTEGER + 2, 1e308, 5e-324, 0.5]);
      case 5: return [];
      case 6: return {};
      case 7: return this.pick(EXISTING);
      default: return this.string();
    }
  }

  /** Nested arrays/objects, sometimes thousands deep. */
  deep(): unknown {
    const depth = this.pick([2, 10, 100, 1000, 5000]);
    let v: unknown = this.scalar();
    for (let i = 0; i < depth; i++) v = this.bool() ? [v] : { [this.pick(['a', 'type', 'id', 'patch', 'filter', '__proto__'])]: v };
    return v;
  }

  value(level = 0): unknown {
    const r = this.int(level > 2 ? 6 : 10);
    if (r < 5) return this.scalar();
    if (r === 5) return this.deep();
    if (r === 6) return Array.from({ length: this.int(5) }, () => this.value(level + 1));
    if (r === 7) return this.polluted();
    const o: Record<string, unknown> = {};
    for (let i = this.int(5); i > 0; i--) o[this.string().slice(0, 40)] = this.value(level + 1);
    return o;
  }

  /** An object carrying __proto__ / constructor.prototype as OWN keys (what JSON.parse yields). */
  polluted(base: Record<string, unknown> = {}): Record<string, unknown> {
    const payload = this.pick([
      '{"__proto__":{"polluted":"yes","ok":true,"type":"get-status"}}',
      '{"constructor":{"prototype":{"polluted":"yes"}}}',
      '{"__proto__":{"__proto__":{"polluted":"yes"}},"prototype":{"polluted":"yes"}}',
      '{"__proto__":null}',
      '{"__proto__":[1,2,3],"constructor":"x"}',
    ]);
    return Object.assign(JSON.parse(payload) as Record<string, unknown>, base, JSON.parse(payload) as Record<string, unknown>);
  }

  /** A patch for save-evidence that the schema must refuse (wrong types, unknown keys, huge text). */
  badPatch(): unknown {
    return this.pick<() => unknown>([
      () => this.value(),
      () => ({ subject: { nip: this.int(1e9) } }),
      () => ({ subject: { name: 'x'.repeat(20_001) } }),
      () => ({ subject: { employmentType: this.pick(['pns', 'ASN', '', null, 1]) } }),
      () => ({ violation: { types: this.pick([['nope'], 'comment', [1], Array(50).fill('comment')]) } }),
      () => ({ screenshot: { sha256: 'x' } }),
      () => ({ record: { id: this.pick(EXISTING) } }),
      () => ({ subject: { ...this.polluted(), name: 'X' } }),
      () => this.polluted({ subject: { name: 'X' } }),
      () => ({ subject: { name: 'X', extra: 1 } }),
      () => ({ status: 'synced' }),
      () => ({ post: { text: this.deep() } }),
      () => ({ comment: { id: { $ne: null } } }),
    ])();
  }

  /** A message: a known type made wrong in one or more ways, or anything at all. */
  message(): unknown {
    const r = this.int(12);
    if (r === 0) return this.scalar();
    if (r === 1) return this.deep();
    if (r === 2) return this.value();
    if (r === 3) return this.polluted({ type: this.pick(KNOWN_TYPES) });
    const type = this.bool(0.9) ? this.pick(KNOWN_TYPES) : this.string();
    const m: Record<string, unknown> = { type };
    switch (type) {
      case 'get-evidence':
        m.id = this.bool(0.8) ? this.badId() : this.scalar();
        break;
      case 'save-evidence':
        m.id = this.pick<() => unknown>([() => this.badId(), () => this.pick(EXISTING), () => this.scalar()])();
        m.patch = this.badPatch();
        m.finalize = this.bool(0.7) ? this.bool() : this.scalar();
        if (this.bool(0.2)) delete m.finalize;
        break;
      case 'retry-failed':
        m.ids = this.pick<() => unknown>([
          () => [this.badId()], () => this.badId(), () => this.scalar(), () => [EXISTING[0], this.badId()],
          () => Array(10_001).fill(EXISTING[3]), () => this.deep(),
        ])();
        break;
      case 'flag-from-page':
        m.targetId = this.pick<() => unknown>([() => '', () => 'x'.repeat(65), () => this.scalar(), () => this.deep()])();
        break;
      case 'list-evidence':
      case 'export-bundle':
        m.filter = this.pick<() => unknown>([
          () => this.value(), () => ({ ids: [this.badId()] }), () => ({ statuses: ['deleted'] }), () => ({ from: '2024-13-45' }),
          () => ({ ids: Array(65_001).fill(EXISTING[0]) }), () => ({ subject: 'x'.repeat(201) }), () => ({ extra: true }),
          () => this.polluted({ ids: [EXISTING[0]] }), () => ({ platforms: ['myspace'] }),
        ])();
        break;
      case 'bundle-chunk':
        m.uploadId = this.bool() ? this.badId() : this.scalar();
        m.index = this.pick([-1, 1.5, 10_001, '0', null, NaN]);
        m.data = this.pick<() => unknown>([() => '!!!not base64', () => this.scalar(), () => 'AAAA'])();
        break;
      case 'verify-bundle':
      case 'import-bundle':
        if (this.bool()) m.bytes = this.pick<() => unknown>([() => this.scalar(), () => 'UEsDBA==', () => '%%%%', () => 'UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=='])();
        else m.uploadId = this.bool() ? this.badId() : this.scalar();
        if (this.bool(0.2)) m.extra = 1;
        break;
      default:
        break;
    }
    // extra, missing or retyped fields
    if (this.bool(0.3)) m[this.string().slice(0, 30)] = this.value();
    if (this.bool(0.15)) delete m.type;
    if (this.bool(0.1)) m.type = this.scalar();
    return m;
  }
}

const KNOWN_TYPES = [
  'flag-active-tab', 'get-status', 'get-evidence', 'save-evidence', 'sync-now', 'retry-failed', 'flag-from-page',
  'list-evidence', 'export-bundle', 'bundle-chunk', 'verify-bundle', 'import-bundle', 'e2e-get-record',
  'prepare-capture', 'capture-finished', 'ping', 'scroll-to',
] as const;

// ---------------------------------------------------------------------------------------------
// Fixture data and the snapshot

const items = [1, 2, 3, 4].map((seed) => makeItem({}, seed));
const EXISTING = items.map((i) => i.record.id);
const STATUSES: StoredEvidence['status'][] = ['draft', 'queued', 'synced', 'failed'];

async function seedStore(): Promise<void> {
  for (const [i, item] of items.entries()) {
    const status = STATUSES[i]!;
    const ev: StoredEvidence = {
      id: item.record.id, status, record: item.record, createdAt: item.record.capturedAt, updatedAt: item.record.capturedAt,
      missing: [], warnings: [], extras: {},
      sync: {
        attempts: status === 'draft' ? 0 : 2,
        lastError: status === 'failed' ? { status: 422, message: 'HTTP 422: subject.nip: NIP must be 18 digits', at: item.record.capturedAt } : null,
        nextAttemptAt: null,
        receipt: status === 'synced' ? { id: item.record.id, receivedAt: '2024-09-13T03:00:00.000Z', sha256: item.record.screenshot.sha256 } : null,
      },
      custody: [{ at: item.record.capturedAt, action: 'capture', actor: 'Siti Aminah' }],
    };
    await insertEvidence(ev, { screenshot: new Blob([item.screenshot as unknown as BlobPart], { type: 'image/png' }) });
  }
}

/** Every record and every blob (as hex), keyed, in a JSON string: any change shows. */
async function snapshot(): Promise<string> {
  const db = await openEvidenceDb();
  const records = await db.getAll('evidence');
  const keys = await db.getAllKeys('blobs');
  const blobs: Record<string, string> = {};
  for (const k of keys) {
    const b = await db.get('blobs', k);
    blobs[String(k)] = b instanceof Blob ? `${b.type}:${Buffer.from(await b.arrayBuffer()).toString('hex')}` : JSON.stringify(b);
  }
  return JSON.stringify({ records, blobs });
}

// ---------------------------------------------------------------------------------------------

const RUNTIME_ID = fakeBrowser.runtime.id;
const OWN = `chrome-extension://${RUNTIME_ID}`;
const SENDERS: Record<'own page' | 'content script' | 'stranger', (g: Gen) => Sender> = {
  'own page': (g) => ({ id: RUNTIME_ID, url: `${OWN}/${g.pick(['popup.html', 'review.html?id=x', 'manager.html', 'options.html'])}` }),
  'content script': (g) => ({
    id: RUNTIME_ID, url: 'https://www.facebook.com/permalink.php?story_fbid=1',
    tab: { id: 1 + g.int(50), url: 'https://www.facebook.com/permalink.php?story_fbid=1' } as never,
  }),
  stranger: (g) => g.pick<Sender>([
    { id: 'evil-extension-id', url: 'chrome-extension://evil-extension-id/popup.html' },
    { id: 'evil-extension-id', url: `${OWN}/popup.html` }, // claims our page's address
    { url: 'https://evil.example/' },
    { id: 'evil-extension-id', url: 'https://www.facebook.com/', tab: { id: 3, url: 'https://www.facebook.com/' } as never },
    // our id, our page's address, but inside a web tab (a framed/spoofed page): not ours
    { id: RUNTIME_ID, url: `${OWN}/manager.html`, tab: { id: 4, url: 'https://evil.example/' } as never },
    { id: RUNTIME_ID }, // no url, no tab
    {},
    { id: RUNTIME_ID, url: 'https://www.facebook.com/', tab: { url: 'https://www.facebook.com/' } as never }, // no tab id
  ]),
};

function isValid(kind: keyof typeof SENDERS, msg: unknown): boolean {
  if (kind === 'content script') return fromContentSchema.safeParse(msg).success;
  if (kind === 'own page') {
    const type = (msg as { type?: unknown } | null)?.type;
    if (typeof type === 'string' && ['list-evidence', 'export-bundle', 'bundle-chunk', 'verify-bundle', 'import-bundle'].includes(type)) {
      return exportMessageSchema.safeParse(msg).success;
    }
    return fromPagesSchema.safeParse(msg).success;
  }
  return false;
}

/** Valid messages that are meant to change data are not part of this fuzz (only strangers send them). */
const WRITES = new Set(['save-evidence', 'retry-failed', 'export-bundle', 'import-bundle', 'flag-from-page', 'flag-active-tab', 'bundle-chunk']);

const preview = (m: unknown): string => {
  try {
    const s = JSON.stringify(m, (_k, v: unknown) => (typeof v === 'string' && v.length > 80 ? `${v.slice(0, 80)}…(${v.length})` : v));
    return (s ?? String(m)).slice(0, 600);
  } catch (e) {
    return `(unserialisable: ${String((e as Error).message)})`;
  }
};

describe(`background message fuzz (seed ${SEED}, ${COUNT} per sender kind; replay with FUZZ_SEED=${SEED})`, () => {
  let baseline = '';
  const protoKeys = Object.getOwnPropertyNames(Object.prototype).sort().join();

  beforeAll(async () => {
    fakeBrowser.reset();
    await closeEvidenceDb();
    indexedDB.deleteDatabase('asn-evidence');
    await seedStore();
    baseline = await snapshot();
    expect(JSON.parse(baseline).records).toHaveLength(4);
    expect(Object.keys(JSON.parse(baseline).blobs).sort()).toEqual(EXISTING.map((id) => blobKey(id, 'screenshot')).sort());
  });
  afterAll(async () => {
    await closeEvidenceDb();
  });

  it('classifies the three sender kinds as intended', () => {
    const g = new Gen(mulberry32(SEED));
    for (let i = 0; i < 50; i++) {
      expect(isOwnPage(SENDERS['own page'](g))).toBe(true);
      expect(isContentScript(SENDERS['content script'](g))).toBe(true);
      const s = SENDERS.stranger(g);
      expect(isOwnPage(s) || isContentScript(s), preview(s)).toBe(false);
    }
  });

  for (const kind of Object.keys(SENDERS) as Array<keyof typeof SENDERS>) {
    it(`${kind}: never throws, ${kind === 'stranger' ? 'never answers' : 'answers malformed messages with ok:false'}, never changes stored data`, async () => {
      const seed = (SEED ^ [...kind].reduce((h, c) => Math.imul(h, 31) + c.charCodeAt(0), 7)) >>> 0;
      const g = new Gen(mulberry32(seed));
      const where = (i: number, msg: unknown, sender: Sender) =>
        `seed ${SEED} (FUZZ_SEED=${SEED}), ${kind} #${i}, sender ${preview(sender)}, message ${preview(msg)}`;
      let malformed = 0;
      let skipped = 0;
      for (let i = 0; i < COUNT; i++) {
        let msg = g.message();
        const sender = SENDERS[kind](g);
        // Strangers also get well-formed, data-changing messages: they must be ignored all the same.
        if (kind === 'stranger' && g.bool(0.2)) {
          msg = g.pick<unknown>([
            { type: 'retry-failed' }, { type: 'get-status' }, { type: 'get-evidence', id: EXISTING[0] },
            { type: 'save-evidence', id: EXISTING[0], patch: { subject: { name: 'Dirusak' } }, finalize: true },
            { type: 'export-bundle', filter: {} }, { type: 'list-evidence', filter: {} }, { type: 'flag-from-page', targetId: 't1' },
            { type: 'e2e-get-record', id: EXISTING[0] }, { type: 'flag-active-tab' }, { type: 'sync-now' },
          ]);
        }
        const valid = isValid(kind, msg);
        const type = (msg as { type?: unknown } | null)?.type;
        if (valid && typeof type === 'string' && WRITES.has(type)) {
          skipped++;
          continue;
        }
        let res: unknown;
        try {
          res = await handleMessage(msg, sender);
        } catch (e) {
          throw new Error(`handleMessage threw ${String((e as Error)?.stack ?? e).slice(0, 400)}\n  at ${where(i, msg, sender)}`);
        }
        if (kind === 'stranger') {
          if (res !== undefined) throw new Error(`a stranger was answered ${preview(res)}\n  at ${where(i, msg, sender)}`);
        } else if (!valid) {
          malformed++;
          const r = res as { ok?: unknown; message?: unknown; code?: unknown } | null | undefined;
          if (!r || typeof r !== 'object' || r.ok !== false || typeof r.message !== 'string'
            || (r.code !== undefined && typeof r.code !== 'string')) {
            throw new Error(`malformed message not answered {ok:false, message}: got ${preview(res)}\n  at ${where(i, msg, sender)}`);
          }
        } else if (res === undefined) {
          throw new Error(`a well-formed message from ${kind} went unanswered\n  at ${where(i, msg, sender)}`);
        }
        if (Object.getOwnPropertyNames(Object.prototype).sort().join() !== protoKeys
          || ({} as Record<string, unknown>).polluted !== undefined) {
          throw new Error(`Object.prototype was polluted\n  at ${where(i, msg, sender)}`);
        }
        // Compare the store often enough to name the message that changed it.
        if (i % 25 === 24 || (typeof type === 'string' && WRITES.has(type)) || i === COUNT - 1) {
          const now = await snapshot();
          if (now !== baseline) throw new Error(`stored data changed at or before this message\n  at ${where(i, msg, sender)}`);
        }
      }
      expect(await snapshot()).toBe(baseline);
      if (kind !== 'stranger') expect(malformed).toBeGreaterThan(COUNT / 2);
      expect(skipped).toBeLessThan(COUNT / 10);
    }, 240_000);
  }
});
