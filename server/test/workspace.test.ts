/**
 * The team workspace pages (server/workspace) through app.inject, on in-memory fakes of TeamApi and
 * AuthApi (server/test/workspace-fakes.ts): sign-in, sessions and CSRF, roles, escaping, the inbox
 * filter, the workflow forms, the one-time token, the language switch, the security headers.
 */
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import { Window } from 'happy-dom';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateSigningKey, keyIdOf, signerOf } from '../../lib/integrity/keys';
import { capturedSha256, makeReceipt } from '../../lib/integrity/receipt';
import type { StoredEvidence } from '../storage';
import { TeamError } from '../team/types';
import { esc, html } from '../workspace/html';
import { WS_MESSAGE_TABLES, wt } from '../workspace/messages';
import { CSP, EXPORT_CAP, workspacePlugin, type WorkspaceDeps } from '../workspace/plugin';
import { corrected, makePng, makeRecord, sha256Hex, signRecord } from './helpers';
import { FakeAuth, FakeStorage, FakeTeam } from './workspace-fakes';

const HOSTILE = `<script>alert("x")</script><img src=x onerror=alert(1)>'\`&amp;\0${'Ω'.repeat(3000)}`;
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const PASSWORDS = { koord: 'rahasia-koord-1', audit: 'rahasia-audit-1', alpha: 'rahasia-alpha-1', beta: 'rahasia-beta-12' } as const;

interface World {
  app: FastifyInstance;
  auth: FakeAuth;
  team: FakeTeam;
  storage: FakeStorage;
  files: Map<string, Buffer>;
  exported: { ids: string[]; by: string }[];
  ids: { signed: string; beta: string; hostile: string };
  serverKid: string;
}

function row(over: Partial<StoredEvidence> & Pick<StoredEvidence, 'id' | 'monitor' | 'recordJson'>): StoredEvidence {
  return {
    seq: 1, receivedAt: '2024-09-13T03:00:00.000Z', sha256: 'a'.repeat(64), platform: 'facebook', kind: 'comment',
    subjectName: null, pageUrl: 'https://www.facebook.com/x', capturedAt: '2024-09-13T02:15:04.123Z',
    screenshotPath: `${over.id}/shot.png`, screenshotBytes: 10, custodyJson: '[]', receiptJson: 'null', keyId: 'b'.repeat(64),
    fullPath: null, sourcePath: null, version: 1, amendedAt: null, ...over,
  };
}

async function makeWorld(opts: { bootstrap?: boolean } = {}): Promise<World> {
  const auth = new FakeAuth();
  if (!opts.bootstrap) {
    await auth.addPerson({ username: 'koord', displayName: 'Koordinator Satu', role: 'coordinator', password: PASSWORDS.koord }, 't');
    await auth.addPerson({ username: 'audit', displayName: 'Auditor Inspektorat', role: 'auditor', password: PASSWORDS.audit }, 't');
    await auth.addPerson({ username: 'alpha', displayName: 'Pengawas Alpha', role: 'monitor', monitor: 'alpha', password: PASSWORDS.alpha }, 't');
    await auth.addPerson({ username: 'beta', displayName: 'Pengawas Beta', role: 'monitor', monitor: 'beta', password: PASSWORDS.beta }, 't');
  }
  const team = new FakeTeam();
  const storage = new FakeStorage();
  const files = new Map<string, Buffer>();

  // a real signed record by alpha, corrected once by the monitor, with a server receipt
  const png = makePng(4, 3, 1);
  let signed = await signRecord(makeRecord(png));
  signed = await corrected(signed, 'subject.position', 'Kepala Sekolah');
  const serverKey = await generateSigningKey();
  const serverKid = keyIdOf(serverKey.publicKey);
  const receipt = await makeReceipt({
    type: 'asn-evidence-receipt', v: 1, recordId: signed.record.id, capturedSha256: capturedSha256(signed.record.attestation!.payload),
    screenshotSha256: sha256Hex(png), fullSha256: null, sourceSha256: null, custodyHead: signed.custody.at(-1)!.hash ?? null,
    custodyLength: signed.custody.length, installationKeyId: signed.key.keyId, uploaderKeyId: signed.key.keyId, monitor: 'alpha',
    receivedAt: '2024-09-13T03:00:00.000Z', serverKeyId: serverKid,
  }, signerOf(serverKey));
  const ids = { signed: signed.record.id, beta: '11111111-1111-4111-8111-111111111111', hostile: '22222222-2222-4222-8222-222222222222' };
  storage.rows.set(ids.signed, row({
    id: ids.signed, monitor: 'alpha', recordJson: JSON.stringify(signed.record), custodyJson: JSON.stringify(signed.custody),
    receiptJson: JSON.stringify(receipt), keyId: signed.key.keyId, subjectName: 'Budi Santoso', sourcePath: `${ids.signed}/source.html`,
  }));
  storage.keys.set(signed.key.keyId, { keyId: signed.key.keyId, monitor: 'alpha', publicKey: signed.key.publicKey, status: 'approved', firstSeenAt: '2024-09-13T03:00:00.000Z', decidedAt: '2024-09-13T03:00:00.000Z', decidedBy: 'first upload' });
  storage.keys.set('c'.repeat(64), { keyId: 'c'.repeat(64), monitor: 'beta', publicKey: signed.key.publicKey, status: 'pending', firstSeenAt: '2024-09-14T03:00:00.000Z', decidedAt: null, decidedBy: null });
  files.set(`${ids.signed}/shot.png`, Buffer.from(png));
  files.set(`${ids.signed}/source.html`, Buffer.from(`<div onclick="x()">Siap menangkan! ${HOSTILE}</div>`));

  const betaRecord = makeRecord(png, { id: ids.beta, monitor: { name: 'Pengawas B', nip: null, unit: 'Inspektorat' } });
  storage.rows.set(ids.beta, row({ id: ids.beta, monitor: 'beta', recordJson: JSON.stringify(betaRecord), subjectName: 'Budi Santoso' }));
  const hostileRecord = makeRecord(png, { id: ids.hostile });
  hostileRecord.subject = { ...hostileRecord.subject, name: HOSTILE, agency: HOSTILE, nip: null };
  hostileRecord.violation = { ...hostileRecord.violation, notes: HOSTILE, candidate: HOSTILE };
  hostileRecord.page = { url: 'javascript:alert(1)' as string, title: HOSTILE };
  storage.rows.set(ids.hostile, row({ id: ids.hostile, monitor: 'alpha', recordJson: JSON.stringify(hostileRecord), subjectName: HOSTILE }));

  team.addSubject({ id: 1, name: 'Budi Santoso', nip: '198503142010011002', agency: 'Dinas Pendidikan' });
  team.addSubject({ id: 2, name: HOSTILE, agency: HOSTILE });
  team.addFinding({ id: 1, subjectId: 1, firstCapturedAt: new Date(Date.now() - 2 * 86_400_000).toISOString() });
  team.addFinding({ id: 2, subjectId: 2, firstCapturedAt: '2024-09-01T02:00:00.000Z', violations: ['gesture', 'share'] });
  team.addRecord({ id: ids.signed, monitor: 'alpha', capturedAt: '2024-09-13T02:15:04.123Z', receivedAt: '2024-09-13T03:00:00.000Z', platform: 'facebook', kind: 'comment', subjectId: 1, findingId: 1, violations: ['comment'], agency: 'Dinas Pendidikan' });
  team.addRecord({ id: ids.beta, monitor: 'beta', capturedAt: '2024-09-13T04:00:00.000Z', receivedAt: '2024-09-13T05:00:00.000Z', platform: 'facebook', kind: 'comment', subjectId: 1, findingId: 1, violations: ['comment'], agency: 'Dinas Pendidikan' });
  team.addRecord({ id: ids.hostile, monitor: 'alpha', capturedAt: '2024-09-01T02:00:00.000Z', receivedAt: '2024-09-01T03:00:00.000Z', platform: 'instagram', kind: 'post', subjectId: 2, findingId: 2, violations: ['gesture', 'share'], agency: HOSTILE });

  const exported: { ids: string[]; by: string }[] = [];
  const deps: WorkspaceDeps = {
    team, auth, storage: storage.asStorage(),
    readFile: async (p) => files.get(p) ?? null,
    exportBundle: async (list, by, reply) => {
      exported.push({ ids: list, by });
      await reply.type('application/zip').header('Content-Disposition', 'attachment; filename="paket.zip"').send(Buffer.from('PK\u0005\u0006'));
    },
    secureCookies: true, timeZone: 'Asia/Jakarta', serverKeyKid: serverKid,
  };
  const app = Fastify();
  await app.register(workspacePlugin, deps);
  await app.ready();
  return { app, auth, team, storage, files, exported, ids, serverKid };
}

const cookieOf = (res: { cookies: { name: string; value: string }[] }, name: string) => res.cookies.find((c) => c.name === name);
const csrfIn = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)?.[1];

async function loginForm(app: FastifyInstance, cookie = '') {
  const g = await app.inject({ method: 'GET', url: '/posko/masuk', headers: cookie ? { cookie } : {} });
  return { pra: cookieOf(g, 'posko_pra')!.value, body: g.body, res: g };
}

async function signIn(app: FastifyInstance, username: keyof typeof PASSWORDS): Promise<{ cookie: string; csrf: string }> {
  const { pra } = await loginForm(app);
  const res = await app.inject({
    method: 'POST', url: '/posko/masuk', headers: { ...FORM, cookie: `posko_pra=${pra}` },
    payload: new URLSearchParams({ _pra: pra, username, password: PASSWORDS[username], lanjut: '/posko' }).toString(),
  });
  expect(res.statusCode).toBe(303);
  const sid = cookieOf(res, 'posko_sesi')!.value;
  const cookie = `posko_sesi=${sid}`;
  const page = await app.inject({ method: 'GET', url: '/posko', headers: { cookie } });
  return { cookie, csrf: csrfIn(page.body)! };
}

function post(app: FastifyInstance, url: string, who: { cookie: string }, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url, headers: { ...FORM, cookie: who.cookie, host: 'posko.example', ...headers }, payload: new URLSearchParams(fields).toString() });
}

let w: World;
beforeEach(async () => { w = await makeWorld(); });
afterEach(async () => { await w.app.close(); });

describe('messages', () => {
  /** The same word list as tests/unit/i18n/messages.test.ts (English that has no place in Indonesian UI text). */
  const ENGLISH = new Set(`the a an and or of to in on at by for from with without into onto is are was were be been being has have had
  will would can could should must may might not no yes this that these those it its you your we our they their he she his her who whom which
  what when where why how all any each every some only also than then there here please error errors failed failure fail unknown missing required
  network fetch request response refused denied allowed forbidden unauthorized timeout settings setting saved save saving cancel cancelled retry
  open close delete deleted remove removed upload uploaded download downloaded file files record records screenshot screenshots evidence report
  reports bundle import imported export exported sync synced syncing queue queued draft drafts pending sending sent warning warnings check checked
  verify verified digits digit number numbers name names date dates time times comment comments post posts reply replies like likes share shares
  user users account accounts page pages link links click press select choose enter type new old first last next previous back done ready loading
  empty none found not passphrase password unlock locked sign signed login logout merge merged split team finding findings key keys
  approve approved revoke revoked role filter inbox register`.split(/\s+/).filter(Boolean));
  const ALLOW = new Set(['facebook', 'instagram', 'tiktok', 'nip', 'zip', 'asn', 'id', 'token', 'ctrl', 'c', 'bawaslu', 'bkn', 'ppk', 'posko', 'timwas', 'english']);
  const words = (s: string) => (s.replace(/\{\w+\}/g, ' ').toLowerCase().match(/[a-z][a-z'-]*/g) ?? []).filter((x) => ENGLISH.has(x) && !ALLOW.has(x));

  it('has the same keys and placeholders in Indonesian and English, none empty', () => {
    const idKeys = Object.keys(WS_MESSAGE_TABLES.id).sort();
    expect(Object.keys(WS_MESSAGE_TABLES.en).sort()).toEqual(idKeys);
    const ph = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join();
    const bad = idKeys.filter((k) => {
      const a = WS_MESSAGE_TABLES.id[k as keyof typeof WS_MESSAGE_TABLES.id];
      const b = WS_MESSAGE_TABLES.en[k as keyof typeof WS_MESSAGE_TABLES.en];
      return !a.trim() || !b.trim() || ph(a) !== ph(b);
    });
    expect(bad).toEqual([]);
  });

  it('has no English words in the Indonesian table (and the check finds English)', () => {
    const found = Object.entries(WS_MESSAGE_TABLES.id).map(([k, s]) => [k, words(s)] as const).filter(([, x]) => x.length).map(([k, x]) => `${k}: ${x.join(',')}`);
    expect(found).toEqual([]);
    expect(words(WS_MESSAGE_TABLES.en.signInInvalid)).toContain('password');
    expect(words(WS_MESSAGE_TABLES.en.exportTooMany)).toContain('export');
  });
});

describe('escaping', () => {
  it('escapes markup, quotes, backticks and NUL in text and attributes', () => {
    expect(esc('<a href="x" onclick=\'y\'>`&\0')).toBe('&#60;a href=&#34;x&#34; onclick=&#39;y&#39;&#62;&#96;&#38;\uFFFD');
    const out = html`<p title="${HOSTILE}">${HOSTILE}</p>`.s;
    expect(out).not.toContain('<script');
    expect(out).not.toContain('<img');
    expect(out).not.toContain('\0');
    expect(out.startsWith('<p title="&#60;script&#62;')).toBe(true);
  });
});

describe('sign-in', () => {
  it('redirects to the sign-in page, signs in with a HttpOnly, SameSite=Strict, Secure cookie and shows the inbox', async () => {
    const first = await w.app.inject({ method: 'GET', url: '/posko?status=baru' });
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe('/posko/masuk?lanjut=%2Fposko%3Fstatus%3Dbaru');
    const { pra, body } = await loginForm(w.app);
    expect(body).toContain('<html lang="id">');
    expect(body).toContain('<label for="f-user">Nama pengguna</label>');
    const res = await w.app.inject({
      method: 'POST', url: '/posko/masuk', headers: { ...FORM, cookie: `posko_pra=${pra}` },
      payload: new URLSearchParams({ _pra: pra, username: 'koord', password: PASSWORDS.koord, lanjut: '/posko?status=baru' }).toString(),
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/posko?status=baru');
    const c = cookieOf(res, 'posko_sesi') as { httpOnly?: boolean; sameSite?: string; secure?: boolean; path?: string; value: string };
    expect(c).toMatchObject({ httpOnly: true, sameSite: 'Strict', secure: true, path: '/posko' });
    const inbox = await w.app.inject({ method: 'GET', url: '/posko', headers: { cookie: `posko_sesi=${c.value}` } });
    expect(inbox.statusCode).toBe(200);
    expect(inbox.body).toContain('Kotak masuk bukti');
    expect(inbox.body).toContain('Masuk sebagai Koordinator Satu (Koordinator)');
  });

  it('never redirects outside the workspace after sign-in', async () => {
    const { pra } = await loginForm(w.app);
    const res = await w.app.inject({
      method: 'POST', url: '/posko/masuk', headers: { ...FORM, cookie: `posko_pra=${pra}` },
      payload: new URLSearchParams({ _pra: pra, username: 'koord', password: PASSWORDS.koord, lanjut: '//evil.example/posko' }).toString(),
    });
    expect(res.headers.location).toBe('/posko');
    for (const lanjut of ['https://evil.example/', '/poskoevil', '/posko/\u00e9\r\nSet-Cookie: x=1', '/posko\\evil']) {
      const again = await loginForm(w.app);
      const r = await w.app.inject({
        method: 'POST', url: '/posko/masuk', headers: { ...FORM, cookie: `posko_pra=${again.pra}` },
        payload: new URLSearchParams({ _pra: again.pra, username: 'koord', password: PASSWORDS.koord, lanjut }).toString(),
      });
      expect([r.statusCode, r.headers.location], lanjut).toEqual([303, '/posko']);
    }
  });

  it('says "wrong name or password" in Indonesian, then how long to wait once locked (429, Retry-After)', async () => {
    const { pra } = await loginForm(w.app);
    const attempt = () => w.app.inject({
      method: 'POST', url: '/posko/masuk', headers: { ...FORM, cookie: `posko_pra=${pra}` },
      payload: new URLSearchParams({ _pra: pra, username: 'koord', password: 'salah-salah-salah' }).toString(),
    });
    const bad = await attempt();
    expect(bad.statusCode).toBe(401);
    expect(bad.body).toContain('Nama pengguna atau kata sandi salah.');
    expect(cookieOf(bad, 'posko_sesi')).toBeUndefined();
    for (let i = 0; i < 4; i++) await attempt();
    const locked = await attempt();
    expect(locked.statusCode).toBe(429);
    expect(locked.headers['retry-after']).toBe('300');
    expect(locked.body).toContain('Terlalu banyak percobaan yang salah. Tunggu 5 menit, lalu coba lagi.');
  });

  it('refuses a sign-in form posted without the pre-session token (login CSRF) or from another site', async () => {
    const noPra = await w.app.inject({ method: 'POST', url: '/posko/masuk', headers: FORM, payload: `username=koord&password=${PASSWORDS.koord}` });
    expect(noPra.statusCode).toBe(403);
    expect(cookieOf(noPra, 'posko_sesi')).toBeUndefined();
    const { pra } = await loginForm(w.app);
    const cross = await w.app.inject({
      method: 'POST', url: '/posko/masuk', headers: { ...FORM, cookie: `posko_pra=${pra}`, host: 'posko.example', origin: 'https://evil.example' },
      payload: new URLSearchParams({ _pra: pra, username: 'koord', password: PASSWORDS.koord }).toString(),
    });
    expect(cross.statusCode).toBe(403);
    expect(cookieOf(cross, 'posko_sesi')).toBeUndefined();
  });

  it('ends the previous session id when signing in again (no fixation), and signs out', async () => {
    const a = await signIn(w.app, 'koord');
    const { pra } = await loginForm(w.app);
    const res = await w.app.inject({
      method: 'POST', url: '/posko/masuk', headers: { ...FORM, cookie: `posko_pra=${pra}; ${a.cookie}` },
      payload: new URLSearchParams({ _pra: pra, username: 'koord', password: PASSWORDS.koord }).toString(),
    });
    expect(cookieOf(res, 'posko_sesi')!.value).not.toBe(a.cookie.split('=')[1]);
    expect((await w.app.inject({ method: 'GET', url: '/posko', headers: { cookie: a.cookie } })).statusCode).toBe(303);
    const b = { cookie: `posko_sesi=${cookieOf(res, 'posko_sesi')!.value}` };
    const page = await w.app.inject({ method: 'GET', url: '/posko', headers: { cookie: b.cookie } });
    const out = await post(w.app, '/posko/keluar', b, { _csrf: csrfIn(page.body)! });
    expect(out.statusCode).toBe(303);
    expect((await w.app.inject({ method: 'GET', url: '/posko', headers: { cookie: b.cookie } })).statusCode).toBe(303);
  });

  it('on first start offers to create the first coordinator with the configured coordinator token', async () => {
    const fresh = await makeWorld({ bootstrap: true });
    try {
      const { pra, body } = await loginForm(fresh.app);
      expect(body).toContain('Buat akun koordinator pertama');
      expect(body).toContain('name="token"');
      const send = (token: string) => fresh.app.inject({
        method: 'POST', url: '/posko/masuk', headers: { ...FORM, cookie: `posko_pra=${pra}` },
        payload: new URLSearchParams({ _pra: pra, token, username: 'siti', displayName: 'Siti Koordinator', password: 'kata-sandi-siti', password2: 'kata-sandi-siti' }).toString(),
      });
      const wrong = await send('bukan-token');
      expect(wrong.statusCode).toBe(422);
      expect(wrong.body).toContain('Token koordinator tidak cocok dengan konfigurasi server.');
      expect(await fresh.auth.needsBootstrap()).toBe(true);
      const ok = await send('coord-config-token-1');
      expect(ok.statusCode).toBe(303);
      expect(cookieOf(ok, 'posko_sesi')).toBeDefined();
      expect((await fresh.auth.people()).map((p) => [p.username, p.role])).toEqual([['siti', 'coordinator']]);
    } finally {
      await fresh.app.close();
    }
  });
});

describe('changes need a session, the session\'s CSRF token and the same origin', () => {
  const verify = { ke: 'diverifikasi' };

  it('403 without _csrf and with a wrong one; nothing changes', async () => {
    const k = await signIn(w.app, 'koord');
    const none = await post(w.app, '/posko/temuan/1/status', k, verify);
    expect(none.statusCode).toBe(403);
    expect(none.body).toContain('tidak berasal dari formulir Posko Timwas yang sah');
    const wrong = await post(w.app, '/posko/temuan/1/status', k, { ...verify, _csrf: `${k.csrf.slice(0, -2)}xx` });
    expect(wrong.statusCode).toBe(403);
    const noSession = await post(w.app, '/posko/temuan/1/status', { cookie: '' }, { ...verify, _csrf: k.csrf });
    expect(noSession.statusCode).toBe(403);
    expect(w.team.statusCalls).toEqual([]);
  });

  it('403 from another origin (Origin, or Referer when Origin is absent), accepted from the same host', async () => {
    const k = await signIn(w.app, 'koord');
    const cross = await post(w.app, '/posko/temuan/1/status', k, { ...verify, _csrf: k.csrf }, { origin: 'https://evil.example' });
    expect(cross.statusCode).toBe(403);
    expect(cross.body).toContain('datang dari situs lain');
    const nullOrigin = await post(w.app, '/posko/temuan/1/status', k, { ...verify, _csrf: k.csrf }, { origin: 'null' });
    expect(nullOrigin.statusCode).toBe(403);
    const ref = await post(w.app, '/posko/temuan/1/status', k, { ...verify, _csrf: k.csrf }, { referer: 'https://evil.example/posko' });
    expect(ref.statusCode).toBe(403);
    expect(w.team.statusCalls).toEqual([]);
    const same = await post(w.app, '/posko/temuan/1/status', k, { ...verify, _csrf: k.csrf }, { origin: 'https://posko.example' });
    expect(same.statusCode).toBe(303);
    expect(w.team.statusCalls).toHaveLength(1);
  });
});

describe('roles', () => {
  it('an auditor reads every page with no change form, and every change is 403 in Indonesian', async () => {
    const a = await signIn(w.app, 'audit');
    for (const url of ['/posko', '/posko/asn', '/posko/asn/1', '/posko/temuan/1', '/posko/tim', `/posko/bukti/${w.ids.beta}`]) {
      const res = await w.app.inject({ method: 'GET', url, headers: { cookie: a.cookie } });
      expect(res.statusCode, url).toBe(200);
      const postForms = [...res.body.matchAll(/<form[^>]*method="post"[^>]*action="([^"]+)"/g)].map((m) => m[1]);
      expect(postForms, url).toEqual(['/posko/keluar']);
    }
    const tries: [string, Record<string, string>][] = [
      ['/posko/temuan/1/status', { ke: 'diverifikasi' }], ['/posko/temuan/1/gabung', { ke: '2' }], ['/posko/asn/2/gabung', { ke: '1' }],
      ['/posko/tim/token', { monitor: 'gamma', role: 'monitor', label: 'x' }], ['/posko/tim/kunci', { kunci: 'c'.repeat(64), keputusan: 'approved' }],
      ['/posko/tim/orang', { username: 'baru', displayName: 'Baru', role: 'coordinator', password: 'panjang-sekali-1' }],
    ];
    for (const [url, fields] of tries) {
      const res = await post(w.app, url, a, { ...fields, _csrf: a.csrf });
      expect(res.statusCode, url).toBe(403);
      expect(res.body).toContain('Auditor hanya dapat membaca. Perubahan ini tidak dilakukan.');
    }
    expect(w.team.statusCalls).toEqual([]);
    expect(w.team.mergeCalls).toEqual([]);
    expect(w.auth.issued.size).toBe(0);
    expect(w.storage.decisions).toEqual([]);
    expect(w.auth.people_.has('baru')).toBe(false);
  });

  it('a monitor sees only their own records, whatever the filter asks, and gets 403 on the register, findings and team', async () => {
    const m = await signIn(w.app, 'beta');
    const inbox = await w.app.inject({ method: 'GET', url: '/posko?pengawas=alpha', headers: { cookie: m.cookie } });
    expect(inbox.statusCode).toBe(200);
    expect(w.team.inboxCalls.at(-1)!.filter.monitor).toBe('beta');
    expect(inbox.body).toContain(`/posko/bukti/${w.ids.beta}`);
    expect(inbox.body).not.toContain(`/posko/bukti/${w.ids.signed}`);
    expect(inbox.body).not.toContain('name="pengawas"');
    expect(inbox.body).not.toContain('<datalist id="f-unit-list"><option');
    expect(inbox.body).not.toContain('/posko/temuan/');
    expect(inbox.body).not.toContain('href="/posko/asn"');
    for (const url of ['/posko/asn', '/posko/asn/1', '/posko/temuan/1', '/posko/tim', '/posko/asn/1/ekspor', `/posko/bukti/${w.ids.signed}`, `/posko/bukti/${w.ids.signed}/gambar`, `/posko/bukti/${w.ids.signed}/sumber`]) {
      const res = await w.app.inject({ method: 'GET', url, headers: { cookie: m.cookie } });
      expect(res.statusCode, url).toBe(403);
      expect(res.body).toMatch(/Peran Anda tidak boleh|milik pengawas lain/);
    }
    expect((await w.app.inject({ method: 'GET', url: `/posko/bukti/${w.ids.beta}`, headers: { cookie: m.cookie } })).statusCode).toBe(200);
    const exp = await w.app.inject({ method: 'GET', url: '/posko/ekspor?pengawas=alpha', headers: { cookie: m.cookie } });
    expect(exp.statusCode).toBe(200);
    expect(w.exported.at(-1)).toEqual({ ids: [w.ids.beta], by: 'beta' });
    const change = await post(w.app, '/posko/temuan/1/status', m, { ke: 'diverifikasi', _csrf: m.csrf });
    expect(change.statusCode).toBe(403);
  });
});

describe('pages', () => {
  it('render hostile names, notes, agencies and sources as text on the inbox, evidence, register and finding pages', async () => {
    const k = await signIn(w.app, 'koord');
    for (const url of ['/posko', `/posko/bukti/${w.ids.hostile}`, '/posko/asn', '/posko/asn/2', '/posko/temuan/2', `/posko/bukti/${w.ids.signed}`]) {
      const res = await w.app.inject({ method: 'GET', url, headers: { cookie: k.cookie } });
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).not.toContain('<script>');
      expect(res.body, url).not.toContain('<img src=x');
      expect(res.body, url).not.toContain('\0');
      expect(res.body, url).not.toMatch(/href="javascript:/i);
      expect(res.body, url).not.toMatch(/<div onclick/);
    }
    const reflected = await w.app.inject({ method: 'GET', url: `/posko?q=${encodeURIComponent('"><script>alert(1)</script>')}&unit=${encodeURIComponent('<b>x</b>')}`, headers: { cookie: k.cookie } });
    expect(reflected.body).not.toContain('<script>');
    expect(reflected.body).not.toContain('<b>x</b>');
    expect(reflected.body).toContain('value="&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;"');
    const ev = await w.app.inject({ method: 'GET', url: `/posko/bukti/${w.ids.hostile}`, headers: { cookie: k.cookie } });
    expect(ev.body).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;');
    const src = await w.app.inject({ method: 'GET', url: `/posko/bukti/${w.ids.signed}`, headers: { cookie: k.cookie } });
    expect(src.body).toContain('&#60;div onclick=&#34;x()&#34;&#62;Siap menangkan!');
  });

  it('serve the captured source only as a plain-text download and the screenshot as a PNG', async () => {
    const k = await signIn(w.app, 'koord');
    const src = await w.app.inject({ method: 'GET', url: `/posko/bukti/${w.ids.signed}/sumber`, headers: { cookie: k.cookie } });
    expect(src.statusCode).toBe(200);
    expect(src.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(src.headers['content-disposition']).toBe(`attachment; filename="sumber-${w.ids.signed}.html.txt"`);
    expect(String(src.headers['content-security-policy'])).toContain('sandbox');
    expect(src.headers['x-content-type-options']).toBe('nosniff');
    const img = await w.app.inject({ method: 'GET', url: `/posko/bukti/${w.ids.signed}/gambar`, headers: { cookie: k.cookie } });
    expect(img.headers['content-type']).toBe('image/png');
    expect(img.rawPayload.subarray(0, 4).toString('latin1')).toBe('\x89PNG');
    const missing = await w.app.inject({ method: 'GET', url: `/posko/bukti/${w.ids.beta}/gambar`, headers: { cookie: k.cookie } });
    expect(missing.statusCode).toBe(404);
  });

  it('the evidence page shows the signature check, the field the monitor edited, the receipt by this server and the custody history in words', async () => {
    const k = await signIn(w.app, 'koord');
    const res = await w.app.inject({ method: 'GET', url: `/posko/bukti/${w.ids.signed}`, headers: { cookie: k.cookie } });
    expect(res.body).toContain('Sah: tanda tangan penangkapan dan riwayat penanganan cocok dengan isi bukti.');
    expect(res.body).toMatch(/>Jabatan<\/td><td[^>]*>Guru<\/td><td[^>]*>Kepala Sekolah<\/td>/);
    expect(res.body).toContain('Tanda terima sah, ditandatangani server.');
    expect(res.body).toContain(`${w.serverKid}</span> (kunci server ini)`);
    expect(res.body).toContain('>Ditangkap<');
    expect(res.body).toContain('>Diubah<');
    expect(res.body).toContain('isian diubah: Jabatan');
    expect(res.body).not.toContain('subject.position');
    expect(res.body).toContain('13 Sep 2024 09.15.04 WIB');
    expect(res.body).toContain('Disetujui');
    expect(res.body).toContain('/posko/temuan/1');
    // a tampered record: the page says it is not valid
    const r = w.storage.rows.get(w.ids.signed)!;
    const rec = JSON.parse(r.recordJson) as { subject: { name: string } };
    rec.subject.name = 'Orang Lain';
    w.storage.rows.set(r.id, { ...r, recordJson: JSON.stringify(rec) });
    const bad = await w.app.inject({ method: 'GET', url: `/posko/bukti/${w.ids.signed}`, headers: { cookie: k.cookie } });
    expect(bad.body).toContain('Tidak sah:');
    expect(bad.body).not.toContain('Sah: tanda tangan');
  });

  it('pass every inbox filter through to the register, in the team\'s terms', async () => {
    const k = await signIn(w.app, 'koord');
    const url = '/posko?dari=2024-09-01&sampai=2024-09-30&pengawas=alpha&unit=Dinas&platform=facebook&pelanggaran=comment&status=baru&q=1985&hal=2';
    const res = await w.app.inject({ method: 'GET', url, headers: { cookie: k.cookie } });
    expect(res.statusCode).toBe(200);
    expect(w.team.inboxCalls.at(-1)).toEqual({
      filter: { from: '2024-09-01', to: '2024-09-30', monitor: 'alpha', unit: 'Dinas', platform: 'facebook', violation: 'comment', status: 'baru', q: '1985' },
      page: 2, pageSize: 50,
    });
    // nonsense values are dropped, not passed on
    await w.app.inject({ method: 'GET', url: '/posko?dari=kemarin&pelanggaran=DROP&status=selesai', headers: { cookie: k.cookie } });
    expect(w.team.inboxCalls.at(-1)!.filter).toEqual({});
    // the form keeps the filter and offers the export of the same filter
    expect(res.body).toContain('value="2024-09-01"');
    expect(res.body).toContain('<option value="comment" selected>Berkomentar</option>');
    expect(res.body).toContain('href="/posko/ekspor?dari=2024-09-01&#38;sampai=2024-09-30&#38;pengawas=alpha');
  });

  it('inbox rows show the ASN, NIP, violations in words, monitor, WIB time, status and witnesses', async () => {
    const k = await signIn(w.app, 'koord');
    const res = await w.app.inject({ method: 'GET', url: '/posko', headers: { cookie: k.cookie } });
    expect(res.body).toContain('198503142010011002');
    expect(res.body).toContain('Gestur tangan, Membagikan');
    expect(res.body).toContain('13 Sep 2024 09.15 WIB');
    expect(res.body).toMatch(/data-label="Saksi \(pengawas\)">2</);
    expect(res.body).toContain('>Baru</a>');
  });

  it('register rows mark an overdue deadline in words; the subject page offers merge, split and export', async () => {
    const k = await signIn(w.app, 'koord');
    const reg = await w.app.inject({ method: 'GET', url: '/posko/asn', headers: { cookie: k.cookie } });
    expect(reg.body).toMatch(/class="overdue">[^<]*\(lewat tenggat \d+ hari\)/);
    expect(reg.body).toMatch(/sisa \d+ hari/);
    expect(reg.body).toContain('Gestur tangan: 1, Membagikan: 1');
    const merge = await post(w.app, '/posko/asn/2/gabung', k, { ke: '1', _csrf: k.csrf });
    expect(merge.statusCode).toBe(303);
    expect(merge.headers.location).toBe('/posko/asn/1');
    expect(w.team.mergeCalls).toEqual([{ kind: 'subject', from: 2, into: 1, actor: { name: 'koord', role: 'coordinator' } }]);
    const page = await w.app.inject({ method: 'GET', url: '/posko/asn/1', headers: { cookie: k.cookie } });
    expect(page.body).toContain('Pisahkan ASN #2 lagi');
    expect(page.body).toContain('href="/posko/asn/1/ekspor"');
    const split = await post(w.app, '/posko/asn/1/pisah', k, { dari: '2', _csrf: k.csrf });
    expect(split.statusCode).toBe(303);
    expect(w.team.splitCalls).toEqual([{ kind: 'subject', id: 2 }]);
    const exp = await w.app.inject({ method: 'GET', url: '/posko/asn/1/ekspor', headers: { cookie: k.cookie } });
    expect(exp.headers['content-type']).toBe('application/zip');
    expect(w.exported.at(-1)).toEqual({ ids: [w.ids.signed, w.ids.beta], by: 'koord' });
  });

  it('workflow forms become the right StatusChange, and refuse a form with a missing field', async () => {
    const k = await signIn(w.app, 'koord');
    const page = await w.app.inject({ method: 'GET', url: '/posko/temuan/1', headers: { cookie: k.cookie } });
    expect(page.body).toContain('name="ke" value="diverifikasi"');
    expect(page.body).toContain('name="ke" value="ditolak"');
    expect(page.body).not.toContain('name="ke" value="diteruskan"');
    const s = (f: Record<string, string>) => post(w.app, '/posko/temuan/1/status', k, { ...f, _csrf: k.csrf });
    expect((await s({ ke: 'diverifikasi', catatan: 'Akun benar milik ASN' })).statusCode).toBe(303);
    const missing = await s({ ke: 'diteruskan', penerima: 'bawaslu', tanggal: '2024-09-15', nomor_surat: '' });
    expect(missing.statusCode).toBe(422);
    expect(missing.body).toContain('Isi nomor surat.');
    expect((await s({ ke: 'diteruskan', penerima: 'bawaslu', tanggal: '2024-09-15', nomor_surat: '123/TW/IX/2024' })).statusCode).toBe(303);
    expect((await s({ ke: 'ditindaklanjuti', sanksi: 'Teguran tertulis' })).statusCode).toBe(303);
    expect(w.team.statusCalls.map((c) => c.change)).toEqual([
      { to: 'diverifikasi', note: 'Akun benar milik ASN' },
      { to: 'diteruskan', receiver: 'bawaslu', on: '2024-09-15', letterNumber: '123/TW/IX/2024' },
      { to: 'ditindaklanjuti', sanction: 'Teguran tertulis' },
    ]);
    const done = await w.app.inject({ method: 'GET', url: '/posko/temuan/1', headers: { cookie: k.cookie } });
    expect(done.body).toContain('Temuan ini sudah selesai');
    expect(done.body).toContain('15 September 2024');
    expect(done.body).toContain('Teguran tertulis');
    expect(done.body).toContain('Status temuan diubah');
    expect(done.body).toContain('Dari: Diverifikasi; Menjadi: Diteruskan; Penerima: Bawaslu; Tanggal diteruskan: 15 September 2024; Nomor surat: 123/TW/IX/2024');
    expect(done.body).toContain('>Temuan #1</td>');
    // reject needs a reason
    const f2 = await post(w.app, '/posko/temuan/2/status', k, { ke: 'ditolak', _csrf: k.csrf });
    expect(f2.statusCode).toBe(422);
    expect(f2.body).toContain('Isi alasan penolakan.');
    expect((await post(w.app, '/posko/temuan/2/status', k, { ke: 'ditolak', alasan: 'Bukan ASN', _csrf: k.csrf })).statusCode).toBe(303);
    expect(w.team.statusCalls.at(-1)!.change).toEqual({ to: 'ditolak', reason: 'Bukan ASN' });
  });

  it('a TeamError becomes an Indonesian message with its status, never a stack or English', async () => {
    const k = await signIn(w.app, 'koord');
    w.team.nextStatusError = new TeamError(409, 'conflict', 'finding 1 changed meanwhile (English detail)');
    const res = await post(w.app, '/posko/temuan/1/status', k, { ke: 'diverifikasi', _csrf: k.csrf });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('Data ini baru saja diubah orang lain.');
    expect(res.body).not.toContain('English detail');
    const notAllowed = await post(w.app, '/posko/temuan/1/status', k, { ke: 'ditindaklanjuti', sanksi: 'x', _csrf: k.csrf });
    expect(notAllowed.statusCode).toBe(422);
    expect(notAllowed.body).toContain('Langkah ini tidak dapat dilakukan dari status temuan saat ini.');
    const self = await post(w.app, '/posko/temuan/1/gabung', k, { ke: '1', _csrf: k.csrf });
    expect(self.statusCode).toBe(422);
    expect(self.body).toContain('Tidak dapat menggabungkan sesuatu dengan dirinya sendiri.');
    expect(self.body).not.toMatch(/at .*\.ts:\d+/);
    const gone = await post(w.app, '/posko/asn/99/gabung', k, { ke: '1', _csrf: k.csrf });
    expect(gone.statusCode).toBe(404);
    expect(gone.body).toContain('tidak ditemukan');
  });

  it('export by filter hands the ids to the app, and asks to narrow the filter past the cap', async () => {
    const k = await signIn(w.app, 'koord');
    const ok = await w.app.inject({ method: 'GET', url: '/posko/ekspor?pengawas=alpha', headers: { cookie: k.cookie } });
    expect(ok.statusCode).toBe(200);
    expect(w.exported.at(-1)).toEqual({ ids: [w.ids.signed, w.ids.hostile], by: 'koord' });
    w.team.evidenceIdsOverride = Array.from({ length: EXPORT_CAP + 1 }, (_, i) => `id-${i}`);
    const many = await w.app.inject({ method: 'GET', url: '/posko/ekspor', headers: { cookie: k.cookie } });
    expect(many.statusCode).toBe(422);
    expect(many.body).toContain(`Ada lebih dari ${EXPORT_CAP} bukti yang cocok. Persempit saringan`);
    expect(w.exported).toHaveLength(1);
  });
});

describe('team page', () => {
  it('shows a new token once, with a copy hint, and never again; revoking it is logged', async () => {
    const k = await signIn(w.app, 'koord');
    const res = await post(w.app, '/posko/tim/token', k, { monitor: 'gamma', role: 'monitor', label: 'Laptop <kantor>', _csrf: k.csrf });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const token = [...w.auth.issued.values()][0]!.token;
    expect(res.body).toContain(`<p class="token" id="token" aria-labelledby="tok-label">${token}</p>`);
    expect(res.body).toContain('Token hanya ditampilkan sekali ini');
    // its language link leads to the team page, not back to the form's address
    expect(res.body).toContain('href="/posko/tim?lang=en"');
    expect(res.body).toContain('salin dengan Ctrl+C');
    const team = await w.app.inject({ method: 'GET', url: '/posko/tim', headers: { cookie: k.cookie } });
    expect(team.body).not.toContain(token);
    expect(team.body).toContain('Laptop &#60;kantor&#62;');
    const id = [...w.auth.issued.keys()][0]!;
    const rev = await post(w.app, '/posko/tim/token/cabut', k, { id, _csrf: k.csrf });
    expect(rev.statusCode).toBe(303);
    expect(w.auth.issued.get(id)!.revokedBy).toBe('koord');
    expect(w.team.auditEntries.map((e) => [e.action, e.target])).toEqual([['token.issue', `token:${id}`], ['token.revoke', `token:${id}`]]);
  });

  it('approves a pending device key (with the monitor and first-seen time shown), adds a person, and shows the audit check', async () => {
    const k = await signIn(w.app, 'koord');
    const page = await w.app.inject({ method: 'GET', url: '/posko/tim', headers: { cookie: k.cookie } });
    expect(page.body).toContain('Menunggu persetujuan');
    expect(page.body).toContain('14 Sep 2024 10.00 WIB');
    expect(page.body).toContain('Rantai catatan audit utuh: 0 catatan');
    const ok = await post(w.app, '/posko/tim/kunci', k, { kunci: 'c'.repeat(64), keputusan: 'approved', _csrf: k.csrf });
    expect(ok.statusCode).toBe(303);
    expect(w.storage.decisions).toEqual([{ keyId: 'c'.repeat(64), status: 'approved', by: 'koord' }]);
    const add = await post(w.app, '/posko/tim/orang', k, { username: 'gamma', displayName: 'Pengawas Gamma', role: 'monitor', monitor: '', password: 'kata-sandi-gamma', _csrf: k.csrf });
    expect(add.statusCode).toBe(303);
    expect(w.auth.people_.get('gamma')!.person).toMatchObject({ role: 'monitor', monitor: 'gamma' });
    const dup = await post(w.app, '/posko/tim/orang', k, { username: 'gamma', displayName: 'Lagi', role: 'monitor', password: 'kata-sandi-gamma', _csrf: k.csrf });
    expect(dup.statusCode).toBe(409);
    expect(dup.body).toContain('Nama pengguna itu sudah dipakai.');
    expect(w.team.auditEntries.map((e) => e.action)).toEqual(['key.approve', 'person.add']);
    w.team.auditBroken = { seq: 2, problem: 'hash tidak cocok' };
    const broken = await w.app.inject({ method: 'GET', url: '/posko/tim', headers: { cookie: k.cookie } });
    expect(broken.body).toContain('Rantai catatan audit rusak mulai catatan nomor 2: hash tidak cocok');
  });
});

describe('registration', () => {
  it('works on an app that already registered @fastify/cookie and @fastify/formbody at its root, next to other routes', async () => {
    const { default: cookie } = await import('@fastify/cookie');
    const { default: formbody } = await import('@fastify/formbody');
    const app = Fastify();
    await app.register(cookie);
    await app.register(formbody);
    app.get('/v1/health', async () => ({ ok: true }));
    const team = new FakeTeam();
    const auth = new FakeAuth();
    await auth.addPerson({ username: 'koord', displayName: 'K', role: 'coordinator', password: PASSWORDS.koord }, 't');
    await app.register(workspacePlugin, {
      team, auth, storage: new FakeStorage().asStorage(), readFile: async () => null, exportBundle: async () => {},
      secureCookies: false, timeZone: 'Asia/Makassar', serverKeyKid: 'k',
    });
    await app.ready();
    try {
      const k = await signIn(app, 'koord');
      expect(k.csrf).toBeTruthy();
      const page = await app.inject({ method: 'GET', url: '/posko', headers: { cookie: k.cookie } });
      expect(page.body).toContain('Waktu dalam zona WITA.');
      // the workspace's headers stay on its own pages
      const api = await app.inject({ method: 'GET', url: '/v1/health' });
      expect(api.headers['content-security-policy']).toBeUndefined();
    } finally {
      await app.close();
    }
  });
});

describe('language, headers, layout', () => {
  it('switches to English with ?lang=en, remembers it in posko_lang, and offers the way back', async () => {
    const k = await signIn(w.app, 'koord');
    const en = await w.app.inject({ method: 'GET', url: '/posko/asn?lang=en', headers: { cookie: k.cookie } });
    expect(en.body).toContain('<html lang="en">');
    expect(en.body).toContain('Team ASN register');
    expect(cookieOf(en, 'posko_lang')).toMatchObject({ value: 'en', sameSite: 'Strict', path: '/posko' });
    expect(en.body).toContain('href="/posko/asn?lang=id" hreflang="id" lang="id"');
    const later = await w.app.inject({ method: 'GET', url: '/posko', headers: { cookie: `${k.cookie}; posko_lang=en` } });
    expect(later.body).toContain('Evidence inbox');
    expect(later.body).toContain('13 Sep 2024 09:15 WIB');
    const id = await w.app.inject({ method: 'GET', url: '/posko', headers: { cookie: k.cookie } });
    expect(id.body).toContain('Kotak masuk bukti');
    expect(id.body).toContain('href="/posko?lang=en"');
  });

  it('every page carries the CSP, a same-origin referrer policy and no framing; the stylesheet is served from /posko/gaya.css', async () => {
    const k = await signIn(w.app, 'koord');
    for (const url of ['/posko/masuk', '/posko', '/posko/tim', `/posko/bukti/${w.ids.signed}`, '/posko/gaya.css']) {
      const res = await w.app.inject({ method: 'GET', url, headers: { cookie: k.cookie } });
      expect(res.headers['content-security-policy'], url).toBe(CSP);
      expect(res.headers['referrer-policy'], url).toBe('same-origin');
      expect(res.headers['x-frame-options'], url).toBe('DENY');
    }
    expect(CSP).toContain("default-src 'none'; img-src 'self'; style-src 'self'; form-action 'self'; frame-ancestors 'none'");
    const css = await w.app.inject({ method: 'GET', url: '/posko/gaya.css' });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.body).toContain('@media (max-width:700px)');
    expect(css.body).toContain(':focus-visible');
  });

  it('pages have a skip link, one h1, a label for every control and no inline script or style', async () => {
    const k = await signIn(w.app, 'koord');
    for (const url of ['/posko', '/posko/asn', '/posko/asn/1', '/posko/temuan/1', '/posko/tim', `/posko/bukti/${w.ids.signed}`]) {
      const { body } = await w.app.inject({ method: 'GET', url, headers: { cookie: k.cookie } });
      expect(body, url).toContain('<a class="skip" href="#isi">Langsung ke isi halaman</a>');
      expect(body.match(/<h1>/g), url).toHaveLength(1);
      expect(body, url).not.toMatch(/<script|style=|<style| on[a-z]+="/i);
      const ids = [...body.matchAll(/<(?:input|select|textarea)(?![^>]*type="(?:hidden|checkbox)")[^>]*\bid="([^"]+)"/g)].map((m) => m[1]!);
      const controls = [...body.matchAll(/<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*>/g)];
      for (const c of controls) expect(c[0], url).toMatch(/\bid="/);
      for (const id of ids) expect(body, `${url}: label for ${id}`).toContain(`<label for="${id}">`);
    }
    expect(wt('id', 'skip')).toBe('Langsung ke isi halaman');
  });
});

describe('axe-core (in happy-dom)', () => {
  const AXE = readFileSync(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');
  interface AxeResult { violations: { id: string; nodes: { target: string[] }[] }[] }

  /**
   * axe-core run on the served HTML inside happy-dom. happy-dom does no layout and loads no CSS, so
   * colour contrast (and anything needing geometry) cannot be judged here: that rule is left to the
   * e2e run in Chromium. It does check names, labels, landmarks, headings, lang, lists, tables, ids.
   */
  async function axeViolations(body: string): Promise<string[]> {
    const win = new Window({ url: 'http://localhost/posko', settings: { disableJavaScriptEvaluation: false, disableCSSFileLoading: true } as never });
    try {
      win.document.write(body);
      (win as unknown as { eval(s: string): void }).eval(AXE);
      const axe = (win as unknown as { axe: { run(ctx: unknown, o: unknown): Promise<AxeResult> } }).axe;
      const r = await axe.run(win.document, { resultTypes: ['violations'], rules: { 'color-contrast': { enabled: false } } });
      return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    } finally {
      await win.happyDOM.close();
    }
  }

  it('finds problems when there are some (the check works here)', async () => {
    const found = await axeViolations('<!doctype html><html lang="id"><head><title>x</title></head><body><main><h1>x</h1><input id="a"><img src="x.png"></main></body></html>');
    expect(found.map((f) => f.split(':')[0])).toEqual(expect.arrayContaining(['image-alt', 'label']));
  });

  it('reports 0 violations on every workspace page, in both languages, for each role', async () => {
    const fresh = await makeWorld({ bootstrap: true });
    const pages: [string, string][] = [['bootstrap', (await loginForm(fresh.app)).body], ['sign-in', (await loginForm(w.app)).body]];
    await fresh.app.close();
    const k = await signIn(w.app, 'koord');
    const a = await signIn(w.app, 'audit');
    const m = await signIn(w.app, 'alpha');
    const urls = ['/posko', '/posko/asn', '/posko/asn/1', '/posko/asn/2', '/posko/temuan/1', '/posko/temuan/2', '/posko/tim', `/posko/bukti/${w.ids.signed}`, `/posko/bukti/${w.ids.hostile}`, '/posko/ekspor?pengawas=nobody'];
    for (const who of [k, a]) {
      for (const url of urls) pages.push([url, (await w.app.inject({ method: 'GET', url, headers: { cookie: who.cookie } })).body]);
    }
    pages.push(['monitor inbox', (await w.app.inject({ method: 'GET', url: '/posko', headers: { cookie: m.cookie } })).body]);
    pages.push(['monitor 403', (await w.app.inject({ method: 'GET', url: '/posko/asn', headers: { cookie: m.cookie } })).body]);
    pages.push(['en inbox', (await w.app.inject({ method: 'GET', url: '/posko?lang=en', headers: { cookie: k.cookie } })).body]);
    pages.push(['new token', (await post(w.app, '/posko/tim/token', k, { monitor: 'gamma', role: 'monitor', label: 'x', _csrf: k.csrf })).body]);
    const problems: string[] = [];
    for (const [name, body] of pages) for (const v of await axeViolations(body)) problems.push(`${name}: ${v}`);
    expect(problems).toEqual([]);
  }, 120_000);
});
