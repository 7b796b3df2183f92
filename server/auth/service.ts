/**
 * Sign-in to the web workspace: people, sessions, CSRF, login throttle, tokens issued from the
 * workspace (docs/workspace.md "Sign-in and sessions"). Everything lives in the database (migration
 * 6, server/auth/schema.ts), so every server process on one PostgreSQL sees the same sessions,
 * lockouts and tokens; nothing is cached in memory except the throw-away hash for unknown users.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import type { SqlDriver } from '../storage';
import { ROLES, type Role, type TokenStore } from '../tokens';
import { dummyVerify, hashPassword, MAX_PASSWORD_LENGTH, prepareDummy, verifyPassword } from './password';
import {
  AuthError, MIN_PASSWORD_LENGTH, SESSION_COOKIE,
  type AuthApi, type IssuedToken, type LoginResult, type Person, type Session,
} from './types';

/** A session ends after this long without a request ... */
export const IDLE_TIMEOUT_MS = 8 * 60 * 60 * 1000;
/** ... and in any case this long after sign-in. */
export const ABSOLUTE_TIMEOUT_MS = 7 * 24 * 60 * 60 * 1000;
/** last_seen_at is written at most this often (not on every request). */
const TOUCH_EVERY_MS = 60 * 1000;
/** Failed sign-ins (per account, per address) before a lock. */
export const MAX_FAILURES = 5;
/** First lock; it doubles with every further failure, up to LOCK_CAP_SECONDS. */
export const LOCK_BASE_SECONDS = 30;
export const LOCK_CAP_SECONDS = 60 * 60;
/** Failures older than this (with no lock running) are forgotten. */
export const FAILURE_MEMORY_MS = 24 * 60 * 60 * 1000;

export const USERNAME_RE = /^[a-z0-9._-]{2,40}$/;
const SESSION_ID_RE = /^[A-Za-z0-9_-]{43}$/;
const TOKEN_ID_RE = /^[0-9a-f]{8}$/;
/** Control characters and bidirectional overrides (a name that reverses the text after it). */
const BAD_CHARS = /[\p{Cc}\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

export type AuditFn = (actor: string, action: string, target: string, detail: Record<string, unknown>) => Promise<unknown>;

export interface AuthServiceOptions {
  /** the config file's tokens: bootstrap needs one with role coordinator */
  configTokens: TokenStore;
  /** called after every change to people and tokens (the team's signed audit log) */
  audit?: AuditFn;
  now?: () => Date;
  idleTimeoutMs?: number;
  absoluteTimeoutMs?: number;
}

type Q = <R>(sql: string, params?: unknown[]) => Promise<R[]>;

interface PersonRow {
  username: string; display_name: string; role: Role; monitor: string | null;
  password_hash: string; created_at: Date | string; disabled_at: Date | string | null;
}
interface SessionRow extends PersonRow { csrf: string; s_created_at: Date | string; last_seen_at: Date | string }
interface TokenRow {
  id: string; monitor: string; role: Role; label: string; created_at: Date | string; created_by: string;
  revoked_at: Date | string | null; revoked_by: string | null;
}

const ms = (v: Date | string): number => (v instanceof Date ? v : new Date(v)).getTime();
const iso = (v: Date | string): string => new Date(ms(v)).toISOString();
const isoOrNull = (v: Date | string | null): string | null => (v === null ? null : iso(v));
const sha256hex = (s: string): string => createHash('sha256').update(s).digest('hex');

function toPerson(r: PersonRow): Person {
  return {
    username: r.username, displayName: r.display_name, role: r.role, monitor: r.monitor,
    createdAt: iso(r.created_at), disabledAt: isoOrNull(r.disabled_at),
  };
}

function toToken(r: TokenRow): IssuedToken {
  return {
    id: r.id, monitor: r.monitor, role: r.role, label: r.label, createdAt: iso(r.created_at), createdBy: r.created_by,
    revokedAt: isoOrNull(r.revoked_at), revokedBy: r.revoked_by,
  };
}

/** Set-Cookie value for a new session: HttpOnly, SameSite=Strict, Path=/, Secure when served over https. */
export function sessionCookie(id: string, opts: { secure: boolean }): string {
  if (!SESSION_ID_RE.test(id)) throw new Error('not a session id');
  return `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict${opts.secure ? '; Secure' : ''}`;
}

/** Set-Cookie value that removes the session cookie (sign-out). */
export function clearSessionCookie(opts: { secure?: boolean } = {}): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT${opts.secure ? '; Secure' : ''}`;
}

/** Throttle key of a typed username: the name itself when it could be one, else a digest (NUL, huge input). */
function userKey(username: string): string {
  const u = typeof username === 'string' ? username.trim().toLowerCase() : '';
  return USERNAME_RE.test(u) ? u : `x:${sha256hex(String(username))}`;
}

/** Expands an IPv6 address to 8 groups of 4 hex digits; null when it is not one. */
function expandIPv6(ip: string): string[] | null {
  let a = ip.split('%')[0]!.toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (v4) {
    const b = v4[1]!.split('.').map(Number);
    a = a.slice(0, -v4[1]!.length) + `${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head, tail] = a.includes('::') ? a.split('::') as [string, string] : [a, null];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === null ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8) return null;
  return groups.map((g) => g.padStart(4, '0'));
}

/**
 * Throttle key of a client address: IPv4 as is (also when IPv4-mapped), IPv6 by its /64 network
 * (one customer usually holds a whole /64, so counting single addresses would be no limit).
 */
export function addressKey(client: string): string {
  const c = typeof client === 'string' ? client.trim() : '';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(c);
  if (mapped && isIPv4(mapped[1]!)) return mapped[1]!;
  if (isIPv4(c)) return c;
  if (isIPv6(c.split('%')[0]!)) {
    const g = expandIPv6(c);
    if (g) return `${g.slice(0, 4).join(':')}::/64`;
  }
  return c && c.length <= 64 && !BAD_CHARS.test(c) ? `other:${c}` : `x:${sha256hex(c)}`;
}

function cleanText(value: unknown, max: number, code: string, what: string, allowEmpty = false): string {
  const v = typeof value === 'string' ? value.trim() : '';
  if ((!allowEmpty && v === '') || v.length > max || BAD_CHARS.test(v)) {
    throw new AuthError(422, code, `${what} harus diisi, paling banyak ${max} huruf, tanpa karakter kendali.`);
  }
  return v;
}

function checkPassword(username: string, password: unknown): string {
  if (typeof password !== 'string' || [...password].length < MIN_PASSWORD_LENGTH) {
    throw new AuthError(422, 'password_too_short', `Kata sandi paling sedikit ${MIN_PASSWORD_LENGTH} karakter.`);
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new AuthError(422, 'password_too_long', `Kata sandi paling banyak ${MAX_PASSWORD_LENGTH} karakter.`);
  }
  if (password.trim().toLowerCase() === username.toLowerCase()) {
    throw new AuthError(422, 'password_is_username', 'Kata sandi tidak boleh sama dengan nama pengguna.');
  }
  return password;
}

export class AuthService implements AuthApi {
  private readonly now: () => Date;
  private readonly idleMs: number;
  private readonly absoluteMs: number;

  constructor(
    private readonly db: SqlDriver,
    private readonly opts: AuthServiceOptions,
  ) {
    this.now = opts.now ?? (() => new Date());
    this.idleMs = opts.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
    this.absoluteMs = opts.absoluteTimeoutMs ?? ABSOLUTE_TIMEOUT_MS;
    // The throw-away hash for unknown users, made now rather than during the first sign-in.
    prepareDummy().catch(() => {});
  }

  private async audit(actor: string, action: string, target: string, detail: Record<string, unknown>): Promise<void> {
    if (this.opts.audit) await this.opts.audit(actor, action, target, detail);
  }

  // ---- bootstrap and people ------------------------------------------------------------------

  async needsBootstrap(): Promise<boolean> {
    return !(await this.hasCoordinator((sql, p) => this.db.query(sql, p)));
  }

  private async hasCoordinator(q: Q): Promise<boolean> {
    const rows = await q<{ n: number }>(
      `SELECT 1 AS n FROM auth_people WHERE role = 'coordinator' AND disabled_at IS NULL LIMIT 1`, [],
    );
    return rows.length > 0;
  }

  async bootstrap(proof: string, username: string, displayName: string, password: string): Promise<Person> {
    const who = this.opts.configTokens.identify(typeof proof === 'string' && proof ? proof : null);
    if (!who.ok || who.role !== 'coordinator') {
      throw new AuthError(403, 'bootstrap_refused', 'Token itu bukan token koordinator dari berkas konfigurasi server.');
    }
    const row = await this.validNewPerson({ username, displayName, role: 'coordinator', password });
    const person = await this.db.transaction(async (q) => {
      // Two first starts at once (two processes) create one coordinator, not two.
      await q('SELECT pg_advisory_xact_lock(727274006)', []);
      if (await this.hasCoordinator(q)) {
        throw new AuthError(409, 'bootstrap_done', 'Akun koordinator sudah ada. Masuk dengan akun itu.');
      }
      return this.insertPerson(q, row, `token:${who.monitor}`);
    });
    await this.audit(who.monitor, 'person.bootstrap', `person:${person.username}`, {
      displayName: person.displayName, role: person.role,
    });
    return person;
  }

  private async validNewPerson(p: { username: string; displayName: string; role: Role; monitor?: string | null; password: string }) {
    const username = typeof p.username === 'string' ? p.username.trim() : '';
    if (!USERNAME_RE.test(username)) {
      throw new AuthError(422, 'invalid_username', 'Nama pengguna 2 sampai 40 karakter: huruf kecil, angka, titik, garis bawah atau tanda hubung.');
    }
    const displayName = cleanText(p.displayName, 100, 'invalid_name', 'Nama lengkap');
    if (!ROLES.includes(p.role)) throw new AuthError(422, 'invalid_role', 'Peran harus pemantau, koordinator atau auditor.');
    const monitor = p.role === 'monitor'
      ? (p.monitor == null || String(p.monitor).trim() === '' ? username : cleanText(p.monitor, 100, 'invalid_monitor', 'Nama pemantau'))
      : null;
    const passwordHash = await hashPassword(checkPassword(username, p.password));
    return { username, displayName, role: p.role, monitor, passwordHash };
  }

  private async insertPerson(
    q: Q, r: { username: string; displayName: string; role: Role; monitor: string | null; passwordHash: string }, by: string,
  ): Promise<Person> {
    const rows = await q<PersonRow>(
      `INSERT INTO auth_people (username, display_name, role, monitor, password_hash, created_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6::timestamptz, $7)
       ON CONFLICT (username) DO NOTHING
       RETURNING *`,
      [r.username, r.displayName, r.role, r.monitor, r.passwordHash, this.now().toISOString(), by],
    );
    if (!rows[0]) throw new AuthError(409, 'username_taken', 'Nama pengguna itu sudah dipakai.');
    return toPerson(rows[0]);
  }

  async people(): Promise<Person[]> {
    return (await this.db.query<PersonRow>('SELECT * FROM auth_people ORDER BY username', [])).map(toPerson);
  }

  async addPerson(
    p: { username: string; displayName: string; role: Role; monitor?: string | null; password: string }, by: string,
  ): Promise<Person> {
    const row = await this.validNewPerson(p);
    const person = await this.insertPerson((sql, params) => this.db.query(sql, params), row, by);
    await this.audit(by, 'person.add', `person:${person.username}`, {
      displayName: person.displayName, role: person.role, monitor: person.monitor,
    });
    return person;
  }

  async setPassword(username: string, password: string, by?: string): Promise<void> {
    const u = typeof username === 'string' ? username.trim() : '';
    const hash = await hashPassword(checkPassword(u, password));
    const done = await this.db.transaction(async (q) => {
      const rows = await q<{ username: string }>('UPDATE auth_people SET password_hash = $2 WHERE username = $1 RETURNING username', [u, hash]);
      if (!rows[0]) return false;
      // A new password ends every session (a stolen one too): sign in again.
      await q('DELETE FROM auth_sessions WHERE username = $1', [u]);
      return true;
    });
    if (!done) throw new AuthError(404, 'not_found', 'Orang itu tidak ada.');
    await this.audit(by ?? u, 'person.password', `person:${u}`, {});
  }

  async disablePerson(username: string, by: string): Promise<void> {
    const u = typeof username === 'string' ? username.trim() : '';
    const changed = await this.db.transaction(async (q) => {
      const rows = await q<{ username: string }>(
        `UPDATE auth_people SET disabled_at = $2::timestamptz, disabled_by = $3
         WHERE username = $1 AND disabled_at IS NULL RETURNING username`,
        [u, this.now().toISOString(), by],
      );
      if (!rows[0]) {
        const exists = await q('SELECT 1 FROM auth_people WHERE username = $1', [u]);
        if (!exists[0]) throw new AuthError(404, 'not_found', 'Orang itu tidak ada.');
        return false;
      }
      await q('DELETE FROM auth_sessions WHERE username = $1', [u]);
      return true;
    });
    if (changed) await this.audit(by, 'person.disable', `person:${u}`, {});
  }

  // ---- sign-in and sessions ------------------------------------------------------------------

  /**
   * Counts this attempt against one throttle key before the password is checked (so a burst of
   * parallel guesses, on any number of processes, cannot all pass the check): returns the count
   * including this attempt, or the lock end when the key is locked now (nothing counted then).
   */
  private async claim(kind: 'user' | 'addr', key: string, now: Date): Promise<{ count: number } | { lockedUntil: number }> {
    const forgetBefore = new Date(now.getTime() - FAILURE_MEMORY_MS).toISOString();
    // One statement, so the count and the lock it starts are written together (row lock held).
    const next = 'CASE WHEN t.last_failure_at < $4::timestamptz THEN 1 ELSE t.failures + 1 END';
    const rows = await this.db.query<{ failures: number }>(
      `INSERT INTO auth_throttle AS t (kind, key, failures, last_failure_at) VALUES ($1, $2, 1, $3::timestamptz)
       ON CONFLICT (kind, key) DO UPDATE SET
         failures = ${next},
         last_failure_at = $3::timestamptz,
         locked_until = CASE WHEN ${next} >= $5::integer
           THEN $3::timestamptz + LEAST($6::integer * power(2, LEAST(${next} - $5::integer, 20)), $7::integer) * interval '1 second'
           ELSE NULL END
       WHERE t.locked_until IS NULL OR t.locked_until <= $3::timestamptz
       RETURNING failures`,
      [kind, key, now.toISOString(), forgetBefore, MAX_FAILURES, LOCK_BASE_SECONDS, LOCK_CAP_SECONDS],
    );
    if (rows[0]) return { count: Number(rows[0].failures) };
    const until = await this.lockOf(kind, key);
    return { lockedUntil: until ?? now.getTime() + 1000 };
  }

  /** Takes back an attempt counted by claim() (it succeeded, or the other key was locked). */
  private async release(kind: 'user' | 'addr', key: string): Promise<void> {
    if (kind === 'user') {
      // A successful sign-in resets the account's counter.
      await this.db.query('DELETE FROM auth_throttle WHERE kind = $1 AND key = $2', [kind, key]);
    } else {
      // The address keeps its earlier failures (one valid account must not wash out guesses at others).
      await this.db.query(
        `UPDATE auth_throttle SET failures = GREATEST(failures - 1, 0), locked_until = NULL WHERE kind = $1 AND key = $2`,
        [kind, key],
      );
    }
  }

  private async lockOf(kind: 'user' | 'addr', key: string): Promise<number | null> {
    const rows = await this.db.query<{ locked_until: Date | string | null }>(
      'SELECT locked_until FROM auth_throttle WHERE kind = $1 AND key = $2', [kind, key],
    );
    return rows[0]?.locked_until ? ms(rows[0].locked_until) : null;
  }

  async login(username: string, password: string, client: string, previousSessionId?: string): Promise<LoginResult> {
    const now = this.now();
    // Session fixation: whatever id the browser held before is never the session afterwards.
    if (previousSessionId) await this.logout(previousSessionId);
    const uKey = userKey(username);
    const aKey = addressKey(client);
    const locked = (until: number): LoginResult => ({
      ok: false, reason: 'locked', retryAfterSeconds: Math.max(1, Math.ceil((until - now.getTime()) / 1000)),
    });

    const a = await this.claim('addr', aKey, now);
    if ('lockedUntil' in a) return locked(a.lockedUntil);
    const u = await this.claim('user', uKey, now);
    if ('lockedUntil' in u) {
      await this.release('addr', aKey);
      return locked(u.lockedUntil);
    }

    const name = typeof username === 'string' ? username.trim().toLowerCase() : '';
    const pw = typeof password === 'string' ? password : '';
    const rows = USERNAME_RE.test(name)
      ? await this.db.query<PersonRow>('SELECT * FROM auth_people WHERE username = $1', [name])
      : [];
    const person = rows[0];
    let ok = false;
    if (person && pw.length <= MAX_PASSWORD_LENGTH) {
      // A disabled person's password is still checked (same time), then refused like a wrong one.
      ok = (await verifyPassword(pw, person.password_hash)) && person.disabled_at === null;
    } else {
      await dummyVerify(pw.slice(0, MAX_PASSWORD_LENGTH));
    }
    if (!ok || !person) {
      // The counts were taken by claim(); a lock that started with this attempt is reported now.
      const until = Math.max((await this.lockOf('addr', aKey)) ?? 0, (await this.lockOf('user', uKey)) ?? 0);
      return until > now.getTime() ? locked(until) : { ok: false, reason: 'invalid' };
    }
    await this.release('user', uKey);
    await this.release('addr', aKey);

    const sessionId = randomBytes(32).toString('base64url');
    const csrf = randomBytes(32).toString('base64url');
    await this.db.query(
      `INSERT INTO auth_sessions (id_sha256, username, csrf, created_at, last_seen_at, client)
       VALUES ($1, $2, $3, $4::timestamptz, $4::timestamptz, $5)`,
      [sha256hex(sessionId), person.username, csrf, now.toISOString(), aKey],
    );
    await this.sweep(now);
    return {
      ok: true,
      sessionId,
      session: { person: toPerson(person), csrf, expiresAt: this.expiry(now.getTime(), now.getTime()) },
    };
  }

  /** Removes ended sessions and forgotten throttle rows (after each successful sign-in). */
  private async sweep(now: Date): Promise<void> {
    const t = now.getTime();
    await this.db.query(
      `DELETE FROM auth_sessions WHERE last_seen_at < $1::timestamptz OR created_at < $2::timestamptz`,
      [new Date(t - this.idleMs).toISOString(), new Date(t - this.absoluteMs).toISOString()],
    );
    await this.db.query(
      `DELETE FROM auth_throttle WHERE last_failure_at < $1::timestamptz AND (locked_until IS NULL OR locked_until < $2::timestamptz)`,
      [new Date(t - FAILURE_MEMORY_MS).toISOString(), now.toISOString()],
    );
  }

  private expiry(createdMs: number, lastSeenMs: number): string {
    return new Date(Math.min(lastSeenMs + this.idleMs, createdMs + this.absoluteMs)).toISOString();
  }

  async session(sessionId: string | undefined): Promise<Session | null> {
    if (typeof sessionId !== 'string' || !SESSION_ID_RE.test(sessionId)) return null;
    const digest = sha256hex(sessionId);
    const rows = await this.db.query<SessionRow>(
      `SELECT p.*, s.csrf, s.created_at AS s_created_at, s.last_seen_at
       FROM auth_sessions s JOIN auth_people p ON p.username = s.username
       WHERE s.id_sha256 = $1`,
      [digest],
    );
    const r = rows[0];
    if (!r) return null;
    const now = this.now().getTime();
    const created = ms(r.s_created_at);
    let lastSeen = ms(r.last_seen_at);
    if (r.disabled_at !== null || now - lastSeen >= this.idleMs || now - created >= this.absoluteMs) {
      await this.db.query('DELETE FROM auth_sessions WHERE id_sha256 = $1', [digest]);
      return null;
    }
    if (now - lastSeen >= TOUCH_EVERY_MS) {
      await this.db.query(
        'UPDATE auth_sessions SET last_seen_at = $2::timestamptz WHERE id_sha256 = $1 AND last_seen_at < $2::timestamptz',
        [digest, new Date(now).toISOString()],
      );
      lastSeen = now;
    }
    return { person: toPerson(r), csrf: r.csrf, expiresAt: this.expiry(created, lastSeen) };
  }

  checkCsrf(session: Session, token: string | undefined): boolean {
    if (typeof token !== 'string' || token === '' || typeof session?.csrf !== 'string' || session.csrf === '') return false;
    // Compare digests: equal length whatever was sent, and constant time.
    const a = createHash('sha256').update(session.csrf).digest();
    const b = createHash('sha256').update(token).digest();
    return timingSafeEqual(a, b);
  }

  async logout(sessionId: string): Promise<void> {
    if (typeof sessionId !== 'string' || !SESSION_ID_RE.test(sessionId)) return;
    await this.db.query('DELETE FROM auth_sessions WHERE id_sha256 = $1', [sha256hex(sessionId)]);
  }

  // ---- tokens issued from the workspace ------------------------------------------------------

  async issueToken(t: { monitor: string; role: Role; label: string }, by: string): Promise<{ token: string; issued: IssuedToken }> {
    const monitor = cleanText(t.monitor, 100, 'invalid_monitor', 'Nama pemantau');
    if (!ROLES.includes(t.role)) throw new AuthError(422, 'invalid_role', 'Peran harus pemantau, koordinator atau auditor.');
    const label = cleanText(t.label ?? '', 200, 'invalid_label', 'Keterangan', true);
    // The id is the first 8 hex of the token's SHA-256 (as describeTokens prints for config tokens).
    // Ids are unique: on the rare clash (about 1 in 4 million per pair) a fresh token is drawn.
    for (let attempt = 0; attempt < 8; attempt++) {
      const token = randomBytes(32).toString('base64url');
      const digest = sha256hex(token);
      const rows = await this.db.query<TokenRow>(
        `INSERT INTO auth_tokens (id, token_sha256, monitor, role, label, created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6::timestamptz, $7)
         ON CONFLICT DO NOTHING
         RETURNING *`,
        [digest.slice(0, 8), digest, monitor, t.role, label, this.now().toISOString(), by],
      );
      if (rows[0]) {
        const issued = toToken(rows[0]);
        await this.audit(by, 'token.issue', `token:${issued.id}`, { monitor, role: t.role, label });
        return { token, issued };
      }
    }
    throw new Error('could not draw a token with an unused id');
  }

  async tokens(): Promise<IssuedToken[]> {
    return (await this.db.query<TokenRow>('SELECT * FROM auth_tokens ORDER BY created_at, id', [])).map(toToken);
  }

  async revokeToken(id: string, by: string): Promise<IssuedToken | null> {
    const key = typeof id === 'string' ? id.trim().toLowerCase() : '';
    if (!TOKEN_ID_RE.test(key)) return null;
    const rows = await this.db.query<TokenRow>(
      `UPDATE auth_tokens SET revoked_at = $2::timestamptz, revoked_by = $3
       WHERE id = $1 AND revoked_at IS NULL RETURNING *`,
      [key, this.now().toISOString(), by],
    );
    if (rows[0]) {
      const revoked = toToken(rows[0]);
      await this.audit(by, 'token.revoke', `token:${revoked.id}`, { monitor: revoked.monitor, role: revoked.role });
      return revoked;
    }
    // Unknown, or revoked before (returned as it is, nothing logged twice).
    const existing = await this.db.query<TokenRow>('SELECT * FROM auth_tokens WHERE id = $1', [key]);
    return existing[0] ? toToken(existing[0]) : null;
  }

  /** A revoked token answers `enabled: false` (the server refuses it with 403, like a disabled config token). */
  async tokenIdentity(token: string): Promise<{ monitor: string; role: Role; enabled: boolean } | null> {
    if (typeof token !== 'string' || token.length < 8 || token.length > 512) return null;
    const rows = await this.db.query<TokenRow>('SELECT * FROM auth_tokens WHERE token_sha256 = $1', [sha256hex(token)]);
    const r = rows[0];
    return r ? { monitor: r.monitor, role: r.role, enabled: r.revoked_at === null } : null;
  }
}
