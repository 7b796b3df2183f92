/**
 * Workspace sign-in (server/auth): passwords, sessions, CSRF, throttle, bootstrap, people, issued
 * tokens. Runs on embedded PGlite always and on PostgreSQL when TEST_DATABASE_URL is set (its own
 * throw-away schema). The clock is injected, so timeouts and locks are tested without waiting.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pgSchema } from './pg-schema';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hashPassword, parseHash, verifyPassword } from '../auth/password';
import {
  ABSOLUTE_TIMEOUT_MS, addressKey, AuthService, clearSessionCookie, IDLE_TIMEOUT_MS, LOCK_CAP_SECONDS, sessionCookie,
} from '../auth/service';
import { AuthError, type LoginResult } from '../auth/types';
import { openStorage, postgresDriver, type EvidenceStorage, type SqlDriver } from '../storage';
import { TokenStore, tokenFingerprint } from '../tokens';

const PG_URL = process.env.TEST_DATABASE_URL;
const COORD_TOKEN = 'coordinator-config-token-0001';
const MONITOR_TOKEN = 'monitor-config-token-0001';
const PW = 'kata-sandi-rahasia-1';
const why = (r: LoginResult): string => (r.ok ? 'ok' : r.reason);
const sha256hex = (s: string) => createHash('sha256').update(s).digest('hex');

describe('password hashing', () => {
  it('stores a self-describing scrypt string with a fresh salt; verifies only the right password', async () => {
    const a = await hashPassword(PW);
    const b = await hashPassword(PW);
    expect(a).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain(PW);
    expect(await verifyPassword(PW, a)).toBe(true);
    expect(await verifyPassword(PW, b)).toBe(true);
    expect(await verifyPassword(`${PW}x`, a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
    // one changed character of the stored key fails
    const last = a.at(-2) === 'A' ? 'B' : 'A';
    expect(await verifyPassword(PW, `${a.slice(0, -2)}${last}${a.at(-1)}`)).toBe(false);
  }, 30_000);

  it('the same password typed as composed or decomposed Unicode matches (NFC)', async () => {
    const h = await hashPassword('kopi-caf\u00e9-2024');
    expect(await verifyPassword('kopi-cafe\u0301-2024', h)).toBe(true);
  }, 30_000);

  it('refuses stored parameters outside sane bounds (a bad row cannot cost minutes)', () => {
    expect(parseHash('$scrypt$ln=15,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).not.toBeNull();
    expect(parseHash('$scrypt$ln=30,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).toBeNull();
    expect(parseHash('$scrypt$ln=15,r=99,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).toBeNull();
    expect(parseHash('plain-password')).toBeNull();
  });
});

describe('cookies and addresses', () => {
  it('session cookie: HttpOnly, SameSite=Strict, Path=/, Secure only when asked; clearing expires it', () => {
    const id = 'a'.repeat(43);
    expect(sessionCookie(id, { secure: true })).toBe(`posko_sesi=${id}; Path=/; HttpOnly; SameSite=Strict; Secure`);
    expect(sessionCookie(id, { secure: false })).toBe(`posko_sesi=${id}; Path=/; HttpOnly; SameSite=Strict`);
    expect(() => sessionCookie('x; Domain=evil.example', { secure: true })).toThrow();
    const clear = clearSessionCookie();
    expect(clear).toMatch(/^posko_sesi=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0/);
    expect(clearSessionCookie({ secure: true })).toMatch(/; Secure$/);
  });

  it('throttles IPv6 by /64 and IPv4-mapped addresses as IPv4', () => {
    expect(addressKey('2001:db8:1:2::1')).toBe(addressKey('2001:0db8:0001:0002:ffff::9'));
    expect(addressKey('2001:db8:1:2::1')).not.toBe(addressKey('2001:db8:1:3::1'));
    expect(addressKey('::ffff:10.0.0.7')).toBe('10.0.0.7');
    expect(addressKey('10.0.0.7')).not.toBe(addressKey('10.0.0.8'));
    expect(addressKey('a\u0000b')).toMatch(/^x:[0-9a-f]{64}$/);
  });
});

interface Backend {
  storage: EvidenceStorage;
  /** another connection to the same database (PostgreSQL: its own pool, like a second process) */
  second(): Promise<SqlDriver>;
  cleanup(): Promise<void>;
}

function authSuite(makeBackend: () => Promise<Backend>) {
  let backend: Backend;
  let db: SqlDriver;
  let clock: Date;
  let audits: { actor: string; action: string; target: string; detail: Record<string, unknown> }[];
  const configTokens = new TokenStore([
    { monitor: 'kantor', token: COORD_TOKEN, role: 'coordinator' },
    { monitor: 'ani', token: MONITOR_TOKEN },
  ]);
  const make = (driver: SqlDriver = db) =>
    new AuthService(driver, {
      configTokens,
      now: () => clock,
      audit: async (actor, action, target, detail) => {
        audits.push({ actor, action, target, detail });
      },
    });
  let auth: AuthService;
  const advance = (ms: number) => {
    clock = new Date(clock.getTime() + ms);
  };
  const login = (u: string, p: string, client = '10.0.0.1', prev?: string) => auth.login(u, p, client, prev);
  const sessionId = (r: LoginResult): string => {
    if (!r.ok) throw new Error(`login failed: ${JSON.stringify(r)}`);
    return r.sessionId;
  };
  const addCoordinator = () => auth.addPerson({ username: 'kor.dina', displayName: 'Dina', role: 'coordinator', password: PW }, 'test');

  beforeAll(async () => {
    backend = await makeBackend();
    db = backend.storage.db;
  }, 60_000);
  afterAll(async () => {
    await backend?.storage.close();
    await backend?.cleanup();
  });
  beforeEach(async () => {
    for (const t of ['auth_sessions', 'auth_throttle', 'auth_tokens', 'auth_people']) await db.query(`DELETE FROM ${t}`, []);
    clock = new Date('2026-01-05T01:00:00.000Z');
    audits = [];
    auth = make();
  });

  it('a new person gets a scrypt hash in the database, and signs in with that password only', async () => {
    await addCoordinator();
    const [row] = await db.query<{ password_hash: string }>('SELECT password_hash FROM auth_people WHERE username = $1', ['kor.dina']);
    expect(row!.password_hash).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$/);
    expect(await verifyPassword(PW, row!.password_hash)).toBe(true);
    const ok = await login('kor.dina', PW);
    expect(ok.ok).toBe(true);
    if (!ok.ok) return;
    expect(ok.sessionId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(ok.session.person).toMatchObject({ username: 'kor.dina', displayName: 'Dina', role: 'coordinator', monitor: null, disabledAt: null });
    expect(ok.session.expiresAt).toBe(new Date(clock.getTime() + IDLE_TIMEOUT_MS).toISOString());
    // the typed name is matched without regard to case or surrounding spaces
    expect((await login('  Kor.Dina ', PW)).ok).toBe(true);
  }, 60_000);

  it('wrong password, unknown person and disabled person give the same answer, after the same work', async () => {
    await addCoordinator();
    await auth.addPerson({ username: 'budi', displayName: 'Budi', role: 'monitor', password: PW }, 'kor.dina');
    await auth.disablePerson('budi', 'kor.dina');
    const wrong = await login('kor.dina', 'salah-salah-salah', '10.0.0.1');
    const unknown = await login('tidak.ada', 'salah-salah-salah', '10.0.0.2');
    const disabled = await login('budi', PW, '10.0.0.3');
    const hostile = await login('<script>\u0000'.repeat(1000), 'x'.repeat(5000), '10.0.0.4');
    expect(wrong).toEqual({ ok: false, reason: 'invalid' });
    expect(unknown).toEqual(wrong);
    expect(disabled).toEqual(wrong);
    expect(hostile).toEqual(wrong);
    // Unknown users still run one scrypt: the time is of the same order as a wrong password.
    const time = async (u: string, client: string) => {
      const t = performance.now();
      await login(u, 'salah-salah-salah', client);
      return performance.now() - t;
    };
    let known = 0;
    let none = 0;
    for (let i = 0; i < 3; i++) {
      known += await time('kor.dina', `10.1.0.${i}`);
      none += await time(`nobody${i}`, `10.2.0.${i}`);
    }
    expect(none).toBeGreaterThan(known * 0.5);
  }, 60_000);

  it('locks an account after 5 failures (from any address), with a doubling delay capped at an hour; success resets it', async () => {
    await addCoordinator();
    for (let i = 1; i <= 4; i++) expect(await login('kor.dina', `salah-${i}-xxxxx`, `10.0.1.${i}`)).toEqual({ ok: false, reason: 'invalid' });
    expect(await login('kor.dina', 'salah-5-xxxxx', '10.0.1.5')).toEqual({ ok: false, reason: 'locked', retryAfterSeconds: 30 });
    advance(10_000);
    // locked: even the right password is refused, and it says how long to wait
    expect(await login('kor.dina', PW, '10.0.1.6')).toEqual({ ok: false, reason: 'locked', retryAfterSeconds: 20 });
    advance(21_000);
    // the 6th failure locks for 60 s
    expect(await login('kor.dina', 'salah-6-xxxxx', '10.0.1.7')).toEqual({ ok: false, reason: 'locked', retryAfterSeconds: 60 });
    advance(61_000);
    expect((await login('kor.dina', PW, '10.0.1.8')).ok).toBe(true);
    // reset: four more failures do not lock, the fifth locks for 30 s again (not 120 s)
    for (let i = 1; i <= 4; i++) expect(why(await login('kor.dina', `salah-${i}-yyyyy`, `10.0.2.${i}`))).toBe('invalid');
    expect(await login('kor.dina', 'salah-5-yyyyy', '10.0.2.5')).toEqual({ ok: false, reason: 'locked', retryAfterSeconds: 30 });
    // the delay never exceeds the cap
    let last = 0;
    for (let i = 0; i < 8; i++) {
      advance(LOCK_CAP_SECONDS * 1000 + 1000);
      const r = await login('kor.dina', `salah-cap-${i}-xx`, `10.0.3.${i}`);
      expect(why(r)).toBe('locked');
      last = (r as { retryAfterSeconds: number }).retryAfterSeconds;
    }
    expect(last).toBe(LOCK_CAP_SECONDS);
  }, 120_000);

  it('locks an address after 5 failures on any names; a success there does not wash the count out; IPv6 counts per /64', async () => {
    await addCoordinator();
    const addr = '192.0.2.9';
    for (let i = 1; i <= 3; i++) expect(why(await login(`tebak${i}`, 'salah-salah-salah', addr))).toBe('invalid');
    // a valid sign-in from the same address does not reset the address's count ...
    expect((await login('kor.dina', PW, addr)).ok).toBe(true);
    expect(why(await login('tebak4', 'salah-salah-salah', addr))).toBe('invalid');
    // ... so the fifth failure there locks it
    expect(await login('tebak5', 'salah-salah-salah', addr)).toEqual({ ok: false, reason: 'locked', retryAfterSeconds: 30 });
    expect(await login('kor.dina', PW, addr)).toEqual({ ok: false, reason: 'locked', retryAfterSeconds: 30 });
    // another address is not locked
    expect((await login('kor.dina', PW, '192.0.2.10')).ok).toBe(true);
    advance(31_000);
    expect((await login('kor.dina', PW, addr)).ok).toBe(true);

    for (let i = 1; i <= 4; i++) expect(why(await login(`v6-${i}`, 'salah-salah-salah', `2001:db8:1:2::${i}`))).toBe('invalid');
    expect(why(await login('v6-5', 'salah-salah-salah', '2001:db8:1:2:abcd::5'))).toBe('locked');
    expect((await login('kor.dina', PW, '2001:db8:1:3::1')).ok).toBe(true);
  }, 60_000);

  it('every sign-in gets a new session id; the id the browser held before is never the session afterwards', async () => {
    await addCoordinator();
    const first = sessionId(await login('kor.dina', PW));
    expect((await auth.session(first))?.person.username).toBe('kor.dina');
    const second = sessionId(await login('kor.dina', PW, '10.0.0.1', first));
    expect(second).not.toBe(first);
    expect(await auth.session(first)).toBeNull();
    expect((await auth.session(second))?.person.username).toBe('kor.dina');
    // an attacker-chosen id planted in the browser before sign-in
    const planted = 'P'.repeat(43);
    const third = sessionId(await login('kor.dina', PW, '10.0.0.1', planted));
    expect(third).not.toBe(planted);
    expect(await auth.session(planted)).toBeNull();
    expect(await auth.session(third)).not.toBeNull();
    // garbage ids are simply not sessions
    for (const bad of [undefined, '', 'x', '<script>', '\u0000'.repeat(43), 'a'.repeat(10_000)]) expect(await auth.session(bad)).toBeNull();
  }, 60_000);

  it('a session ends after 8 hours without use and 7 days after sign-in in any case', async () => {
    await addCoordinator();
    const id = sessionId(await login('kor.dina', PW));
    advance(IDLE_TIMEOUT_MS - 60_000);
    const s = await auth.session(id);
    expect(s).not.toBeNull();
    expect(s!.expiresAt).toBe(new Date(clock.getTime() + IDLE_TIMEOUT_MS).toISOString());
    advance(IDLE_TIMEOUT_MS - 60_000);
    expect(await auth.session(id)).not.toBeNull();
    advance(IDLE_TIMEOUT_MS);
    expect(await auth.session(id)).toBeNull();
    // the row is gone, not only refused
    expect(await db.query('SELECT 1 FROM auth_sessions WHERE id_sha256 = $1', [sha256hex(id)])).toHaveLength(0);

    const start = clock.getTime();
    const kept = sessionId(await login('kor.dina', PW));
    while (clock.getTime() + 7 * 3600_000 < start + ABSOLUTE_TIMEOUT_MS) {
      advance(7 * 3600_000);
      const live = await auth.session(kept);
      expect(live).not.toBeNull();
      expect(new Date(live!.expiresAt).getTime()).toBeLessThanOrEqual(start + ABSOLUTE_TIMEOUT_MS);
    }
    clock = new Date(start + ABSOLUTE_TIMEOUT_MS);
    expect(await auth.session(kept)).toBeNull();
  }, 60_000);

  it('logout ends the session; disabling a person or changing the password ends their sessions', async () => {
    await addCoordinator();
    await auth.addPerson({ username: 'budi', displayName: 'Budi', role: 'monitor', password: PW }, 'kor.dina');
    const a = sessionId(await login('kor.dina', PW));
    await auth.logout(a);
    expect(await auth.session(a)).toBeNull();
    await auth.logout(a);

    const b1 = sessionId(await login('budi', PW));
    const b2 = sessionId(await login('budi', PW, '10.9.9.9'));
    const newPw = 'sandi-baru-yang-panjang';
    await auth.setPassword('budi', newPw, 'kor.dina');
    expect(await auth.session(b1)).toBeNull();
    expect(await auth.session(b2)).toBeNull();
    expect((await login('budi', PW)).ok).toBe(false);
    const b3 = sessionId(await login('budi', newPw));

    const c = sessionId(await login('kor.dina', PW));
    await auth.disablePerson('budi', 'kor.dina');
    expect(await auth.session(b3)).toBeNull();
    expect((await auth.session(c))?.person.username).toBe('kor.dina');
    // even a session row left behind (another process racing) is refused while the person is disabled
    await db.query(
      `INSERT INTO auth_sessions (id_sha256, username, csrf, created_at, last_seen_at, client) VALUES ($1, 'budi', 'x', $2, $2, 'x')`,
      [sha256hex('L'.repeat(43)), clock.toISOString()],
    );
    expect(await auth.session('L'.repeat(43))).toBeNull();
    expect(audits.map((x) => [x.actor, x.action, x.target])).toEqual([
      ['test', 'person.add', 'person:kor.dina'],
      ['kor.dina', 'person.add', 'person:budi'],
      ['kor.dina', 'person.password', 'person:budi'],
      ['kor.dina', 'person.disable', 'person:budi'],
    ]);
  }, 60_000);

  it('CSRF: only the session\'s own token passes', async () => {
    await addCoordinator();
    const r1 = await login('kor.dina', PW);
    const r2 = await login('kor.dina', PW);
    if (!r1.ok || !r2.ok) throw new Error('login failed');
    const s1 = (await auth.session(r1.sessionId))!;
    expect(s1.csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(s1.csrf).toBe(r1.session.csrf);
    expect(s1.csrf).not.toBe(r2.session.csrf);
    expect(auth.checkCsrf(s1, s1.csrf)).toBe(true);
    expect(auth.checkCsrf(s1, undefined)).toBe(false);
    expect(auth.checkCsrf(s1, '')).toBe(false);
    expect(auth.checkCsrf(s1, r2.session.csrf)).toBe(false);
    expect(auth.checkCsrf(s1, s1.csrf.slice(0, -1))).toBe(false);
    expect(auth.checkCsrf(s1, `${s1.csrf}x`)).toBe(false);
    expect(auth.checkCsrf(s1, 'x'.repeat(100_000))).toBe(false);
    expect(auth.checkCsrf(s1, r1.sessionId)).toBe(false);
  }, 60_000);

  it('bootstrap: refused with a monitor or unknown token, accepted once with a configured coordinator token', async () => {
    expect(await auth.needsBootstrap()).toBe(true);
    const attempt = (proof: string, username = 'kor.dina') => auth.bootstrap(proof, username, 'Dina', PW);
    await expect(attempt(MONITOR_TOKEN)).rejects.toMatchObject({ status: 403, code: 'bootstrap_refused' });
    await expect(attempt('not-a-configured-token')).rejects.toBeInstanceOf(AuthError);
    await expect(attempt('')).rejects.toMatchObject({ status: 403 });
    // a coordinator token issued from the workspace is not a config token
    const issued = await auth.issueToken({ monitor: 'lain', role: 'coordinator', label: '' }, 'x');
    await expect(attempt(issued.token)).rejects.toMatchObject({ status: 403 });
    expect(await auth.people()).toEqual([]);

    const p = await attempt(COORD_TOKEN);
    expect(p).toMatchObject({ username: 'kor.dina', role: 'coordinator', displayName: 'Dina', disabledAt: null });
    expect(await auth.needsBootstrap()).toBe(false);
    expect((await login('kor.dina', PW)).ok).toBe(true);
    await expect(attempt(COORD_TOKEN, 'kor.lain')).rejects.toMatchObject({ status: 409, code: 'bootstrap_done' });
    expect((await auth.people()).map((x) => x.username)).toEqual(['kor.dina']);
    expect(audits.at(-1)).toMatchObject({ actor: 'kantor', action: 'person.bootstrap', target: 'person:kor.dina' });

    // concurrent first starts create exactly one coordinator
    await db.query('DELETE FROM auth_sessions', []);
    await db.query('DELETE FROM auth_people', []);
    const both = await Promise.allSettled([attempt(COORD_TOKEN, 'kor.satu'), attempt(COORD_TOKEN, 'kor.dua')]);
    expect(both.filter((x) => x.status === 'fulfilled')).toHaveLength(1);
    expect(await auth.people()).toHaveLength(1);

    // with no enabled coordinator left, the workspace asks for bootstrap again
    await auth.disablePerson((await auth.people())[0]!.username, 'x');
    expect(await auth.needsBootstrap()).toBe(true);
  }, 60_000);

  it('people: names and passwords are checked; hostile display names are kept as text', async () => {
    const add = (over: Record<string, unknown>) =>
      auth.addPerson({ username: 'siti', displayName: 'Siti', role: 'monitor', password: PW, ...over } as never, 'kor');
    for (const username of ['A', 's', 'x'.repeat(41), '<script>', 'Siti', 'si ti', 'si\u0000ti']) {
      await expect(add({ username })).rejects.toMatchObject({ status: 422, code: 'invalid_username' });
    }
    await expect(add({ password: 'pendek' })).rejects.toMatchObject({ code: 'password_too_short' });
    await expect(add({ username: 'siti.rahayu', password: 'siti.rahayu' })).rejects.toMatchObject({ code: 'password_is_username' });
    await expect(add({ displayName: '' })).rejects.toMatchObject({ code: 'invalid_name' });
    await expect(add({ displayName: 'Siti\u0000' })).rejects.toMatchObject({ code: 'invalid_name' });
    await expect(add({ displayName: 'Siti\u202Eevil' })).rejects.toMatchObject({ code: 'invalid_name' });
    await expect(add({ role: 'admin' })).rejects.toMatchObject({ code: 'invalid_role' });
    expect(await auth.people()).toEqual([]);
    expect(audits).toEqual([]);

    const hostile = `<script>alert("x")</script> O'Brien & "Siti"`;
    const p = await add({ displayName: hostile });
    expect(p).toMatchObject({ username: 'siti', displayName: hostile, role: 'monitor', monitor: 'siti' });
    const q = await add({ username: 'rudi', role: 'monitor', monitor: 'Rudi Kecamatan A' });
    expect(q.monitor).toBe('Rudi Kecamatan A');
    const r = await add({ username: 'aud', role: 'auditor', monitor: 'ignored' });
    expect(r.monitor).toBeNull();
    await expect(add({})).rejects.toMatchObject({ status: 409, code: 'username_taken' });
    await expect(auth.setPassword('tidak-ada', PW)).rejects.toMatchObject({ status: 404 });
    await expect(auth.setPassword('siti', 'siti')).rejects.toMatchObject({ code: 'password_too_short' });
    await expect(auth.disablePerson('tidak-ada', 'kor')).rejects.toMatchObject({ status: 404 });
    expect((await auth.people()).map((x) => x.username)).toEqual(['aud', 'rudi', 'siti']);
    expect(audits[0]).toEqual({
      actor: 'kor', action: 'person.add', target: 'person:siti', detail: { displayName: hostile, role: 'monitor', monitor: 'siti' },
    });
    // disabling twice logs once
    await auth.disablePerson('siti', 'kor');
    await auth.disablePerson('siti', 'kor');
    expect(audits.filter((x) => x.action === 'person.disable')).toHaveLength(1);
    expect((await auth.people()).find((x) => x.username === 'siti')?.disabledAt).toBe(clock.toISOString());
  }, 60_000);

  it('issued tokens: the plain token is returned once; identity by digest; revoked answers enabled:false', async () => {
    const { token, issued } = await auth.issueToken({ monitor: 'Ani Kecamatan B', role: 'monitor', label: 'laptop kantor' }, 'kor.dina');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(issued.id).toBe(tokenFingerprint(token));
    expect(issued).toMatchObject({ monitor: 'Ani Kecamatan B', role: 'monitor', label: 'laptop kantor', createdBy: 'kor.dina', revokedAt: null });
    expect(await auth.tokenIdentity(token)).toEqual({ monitor: 'Ani Kecamatan B', role: 'monitor', enabled: true });
    expect(await auth.tokenIdentity(`${token}x`)).toBeNull();
    expect(await auth.tokenIdentity(COORD_TOKEN)).toBeNull();
    expect(await auth.tokenIdentity('')).toBeNull();
    advance(1000);
    const other = await auth.issueToken({ monitor: 'Aud', role: 'auditor', label: '' }, 'kor.dina');
    expect(other.token).not.toBe(token);
    expect((await auth.tokens()).map((t) => t.id)).toEqual([issued.id, other.issued.id]);

    const revoked = await auth.revokeToken(issued.id.toUpperCase(), 'kor.dina');
    expect(revoked).toMatchObject({ id: issued.id, revokedAt: clock.toISOString(), revokedBy: 'kor.dina' });
    expect(await auth.tokenIdentity(token)).toEqual({ monitor: 'Ani Kecamatan B', role: 'monitor', enabled: false });
    expect(await auth.tokenIdentity(other.token)).toEqual({ monitor: 'Aud', role: 'auditor', enabled: true });
    advance(1000);
    expect((await auth.revokeToken(issued.id, 'lain'))?.revokedBy).toBe('kor.dina');
    expect(await auth.revokeToken('00000000', 'kor.dina')).toBeNull();
    expect(await auth.revokeToken('<script>', 'kor.dina')).toBeNull();
    expect(audits.map((x) => [x.actor, x.action, x.target])).toEqual([
      ['kor.dina', 'token.issue', `token:${issued.id}`],
      ['kor.dina', 'token.issue', `token:${other.issued.id}`],
      ['kor.dina', 'token.revoke', `token:${issued.id}`],
    ]);
    await expect(auth.issueToken({ monitor: '', role: 'monitor', label: '' }, 'x')).rejects.toMatchObject({ code: 'invalid_monitor' });
    await expect(auth.issueToken({ monitor: 'a', role: 'root' as never, label: '' }, 'x')).rejects.toMatchObject({ code: 'invalid_role' });
  }, 60_000);

  it('no plain secret is stored: tokens, session ids and passwords appear only as digests', async () => {
    await auth.bootstrap(COORD_TOKEN, 'kor.dina', 'Dina', PW);
    const { token } = await auth.issueToken({ monitor: 'ani', role: 'monitor', label: 'hp' }, 'kor.dina');
    const sid = sessionId(await login('kor.dina', PW));
    await login('kor.dina', 'salah-salah-salah', '10.0.0.2');
    const tables = (await db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name LIKE 'auth\\_%' ORDER BY 1`, [],
    )).map((r) => r.table_name);
    expect(tables).toEqual(['auth_people', 'auth_sessions', 'auth_throttle', 'auth_tokens']);
    let dump = '';
    for (const t of tables) {
      dump += (await db.query<{ j: string }>(`SELECT row_to_json(x)::text AS j FROM ${t} x`, [])).map((r) => r.j).join('\n');
    }
    // the dump does hold the digests (so a search would have found the secrets had they been there)
    expect(dump).toContain(sha256hex(token));
    expect(dump).toContain(sha256hex(sid));
    expect(dump).toContain('$scrypt$');
    for (const secret of [token, sid, PW, 'salah-salah-salah', COORD_TOKEN]) expect(dump).not.toContain(secret);
  }, 60_000);

  it('two service instances on one database (two processes) share sessions, lockouts and tokens', async () => {
    const other = await backend.second();
    try {
      const b = make(other);
      await auth.bootstrap(COORD_TOKEN, 'kor.dina', 'Dina', PW);
      expect(await b.needsBootstrap()).toBe(false);
      const id = sessionId(await auth.login('kor.dina', PW, '10.0.0.1'));
      const seen = await b.session(id);
      expect(seen?.person.username).toBe('kor.dina');
      expect(b.checkCsrf(seen!, (await auth.session(id))!.csrf)).toBe(true);
      await b.logout(id);
      expect(await auth.session(id)).toBeNull();

      // failures through both count together
      for (let i = 0; i < 2; i++) expect(why(await auth.login('kor.dina', 'salah-salah-salah', `10.0.5.${i}`))).toBe('invalid');
      for (let i = 2; i < 4; i++) expect(why(await b.login('kor.dina', 'salah-salah-salah', `10.0.5.${i}`))).toBe('invalid');
      expect(why(await auth.login('kor.dina', 'salah-salah-salah', '10.0.5.4'))).toBe('locked');
      expect(why(await b.login('kor.dina', PW, '10.0.5.5'))).toBe('locked');
      advance(31_000);

      // a burst of parallel guesses through both lets exactly 5 in
      await b.addPerson({ username: 'budi', displayName: 'Budi', role: 'monitor', password: PW }, 'kor.dina');
      const burst = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? auth : b).login('budi', `tebakan-${i}-xxxx`, `10.0.6.${i}`)),
      );
      expect(burst.every((r) => !r.ok)).toBe(true);
      expect(burst.filter((r) => why(r) === 'invalid').length).toBeLessThanOrEqual(4);
      const [row] = await db.query<{ failures: number }>(`SELECT failures FROM auth_throttle WHERE kind = 'user' AND key = 'budi'`, []);
      expect(Number(row!.failures)).toBe(5);

      const { token } = await auth.issueToken({ monitor: 'ani', role: 'monitor', label: '' }, 'kor.dina');
      expect((await b.tokenIdentity(token))?.enabled).toBe(true);
      await b.revokeToken(tokenFingerprint(token), 'kor.dina');
      expect((await auth.tokenIdentity(token))?.enabled).toBe(false);
    } finally {
      if (other !== db) await other.close();
    }
  }, 60_000);
}

describe('auth: PGlite (embedded)', () => {
  authSuite(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'asn-auth-'));
    const storage = await openStorage({ dbDir: dir });
    return {
      storage,
      // PGlite is one process's database: the second service shares the driver (state is only in the database).
      second: async () => storage.db,
      cleanup: () => rm(dir, { recursive: true, force: true }),
    };
  });
});

if (!PG_URL) console.warn('[auth.test] SKIPPING PostgreSQL auth tests: set TEST_DATABASE_URL=postgres://user:pass@host/db to run them.');

describe.skipIf(!PG_URL)('auth: PostgreSQL (TEST_DATABASE_URL)', () => {
  authSuite(async () => {
    const schema = await pgSchema(PG_URL!, 'asn_auth');
    const storage = await openStorage({ databaseUrl: schema.url, dbDir: '/nonexistent' });
    return { storage, second: () => postgresDriver(schema.url), cleanup: () => schema.drop() };
  });
});
