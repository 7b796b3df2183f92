/**
 * Posko Timwas: the team's web workspace (issue 15), server-rendered pages under /posko on the
 * same Fastify instance as the JSON API. Register with `app.register(workspacePlugin, deps)`.
 *
 * Security (docs/workspace.md, "Pages"): session cookie HttpOnly + SameSite=Strict (+ Secure when
 * deps.secureCookies); every POST needs a valid session, `_csrf` equal to the session's and, when
 * the browser sends Origin or Referer, the same host; the sign-in form itself is protected by a
 * pre-session double-submit token. Coordinators change; auditors read everything and every POST is
 * 403; monitors see only their own records and get 403 on the register and team pages. Every page
 * has a strict Content-Security-Policy (no script at all), no referrer, no framing.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CustodyLink } from '../../lib/integrity/custody';
import { isPublicJwk, type PublicJwk } from '../../lib/integrity/keys';
import { checkRecord, type RecordProof } from '../../lib/integrity/record-check';
import { verifyReceipt, type ReceiptCheck } from '../../lib/integrity/receipt';
import { VIOLATION_TYPES } from '../../lib/record/schema';
import type { AuthApi, Person, Session } from '../auth/types';
import { MIN_PASSWORD_LENGTH } from '../auth/types';
import type { EvidenceStorage } from '../storage';
import { FINDING_STATUSES, RECEIVERS, TeamError, type Actor, type FindingStatus, type InboxFilter, type Receiver, type StatusChange, type TeamApi } from '../team/types';
import { ROLES, type Role } from '../tokens';
import { CSS, type View } from './html';
import { isWsLang, wt, type WsKey, type WsLang } from './messages';
import {
  evidencePage, findingPage, inboxPage, messagePage, newTokenPage, registerPage, signInPage, subjectPage, teamPage, type CustodyView,
} from './views';

export interface WorkspaceDeps {
  team: TeamApi;
  auth: AuthApi;
  storage: EvidenceStorage;
  /** screenshot / full-tab screenshot / source by the row's stored path; null when absent */
  readFile(path: string): Promise<Buffer | null>;
  /** streams a verifiable bundle ZIP of these records (provided by the app) */
  exportBundle(ids: string[], exportedBy: string, reply: FastifyReply): Promise<void>;
  secureCookies: boolean;
  /** IANA zone the pages show times in, e.g. Asia/Jakarta */
  timeZone: string;
  /** kid of this server's signing key (receipts signed by it are marked "this server") */
  serverKeyKid: string;
}

export const SESSION_COOKIE = 'posko_sesi';
export const LANG_COOKIE = 'posko_lang';
export const PRE_COOKIE = 'posko_pra';
export const PAGE_SIZE = 50;
/** Records one per-filter export may hold; more: a page asks to narrow the filter. */
export const EXPORT_CAP = 500;
/** Characters of the captured source shown inline (the download has all of it). */
const SOURCE_SHOWN = 200_000;

export const CSP = "default-src 'none'; img-src 'self'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const ID_RE = /^[0-9A-Za-z-]{1,64}$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** TeamError codes (register and sign-in) -> the message shown; unknown codes fall back by status. */
const TEAM_ERROR_MESSAGES: Record<string, WsKey> = {
  not_found: 'te_not_found',
  transition: 'te_transition', transition_not_allowed: 'te_transition', invalid_transition: 'te_transition', bad_transition: 'te_transition', status_not_allowed: 'te_transition',
  same: 'te_same', same_subject: 'te_same', same_finding: 'te_same', self_merge: 'te_same',
  already_merged: 'te_already_merged', merged: 'te_already_merged',
  not_merged: 'te_not_merged',
  conflict: 'te_conflict', stale: 'te_conflict', concurrent: 'te_conflict',
  invalid: 'te_invalid', bad_request: 'te_invalid', validation: 'te_invalid',
  username_taken: 'te_username_taken', person_exists: 'te_username_taken', exists: 'te_username_taken',
  weak_password: 'te_weak_password', password_weak: 'te_weak_password', password_too_short: 'te_weak_password',
  bad_proof: 'te_bad_proof', proof_invalid: 'te_bad_proof', not_coordinator_token: 'te_bad_proof',
  bootstrap_done: 'te_bootstrap_done', already_bootstrapped: 'te_bootstrap_done',
  // the codes server/team/register.ts and server/auth/service.ts actually send
  finding_not_found: 'te_not_found', subject_not_found: 'te_not_found', evidence_not_found: 'te_not_found',
  different_subjects: 'te_different_subjects', findings_merged_across: 'te_merged_across',
  missing_letter_number: 'te_missing_letter', missing_sanction: 'te_missing_sanction', missing_reason: 'te_missing_reason',
  invalid_date: 'te_invalid_date', invalid_receiver: 'te_invalid_receiver', invalid_status: 'te_invalid', invalid_filter: 'te_invalid',
  invalid_role: 'te_invalid', invalid_username: 'te_invalid_username', password_is_username: 'te_weak_password',
  password_too_long: 'te_password_long', bootstrap_refused: 'te_bad_proof',
};

export function teamErrorMessage(lang: WsLang, e: { status: number; code: string }): string {
  const key = TEAM_ERROR_MESSAGES[e.code] ?? (e.status === 404 ? 'te_generic_404' : e.status === 409 ? 'te_generic_409' : 'te_generic_422');
  return wt(lang, key);
}

function isTeamError(e: unknown): e is TeamError {
  if (e instanceof TeamError) return true;
  const x = e as { status?: unknown; code?: unknown; statusCode?: unknown } | null;
  return !!x && typeof x === 'object' && (x.status === 404 || x.status === 409 || x.status === 422) && typeof x.code === 'string' && x.statusCode === undefined;
}

interface Ctx { v: View; session: Session | null; sessionId: string | undefined; person: Person | null }

type Body = Record<string, unknown>;
function field(body: unknown, name: string, max = 2000): string {
  const raw = (body as Body | null)?.[name];
  const x = Array.isArray(raw) ? raw[0] : raw;
  return typeof x === 'string' ? x.trim().slice(0, max) : '';
}
const qstr = (q: unknown, name: string, max = 200): string => field(q, name, max);
const posInt = (s: string): number | null => (/^\d{1,9}$/.test(s) && Number(s) > 0 ? Number(s) : null);
const pageOf = (q: unknown, name = 'hal'): number => Math.min(posInt(qstr(q, name)) ?? 1, 100_000);

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** The monitor name a signed-in monitor's records carry. */
export const monitorNameOf = (p: Person): string => p.monitor ?? p.username;

/** The inbox filter from the page's query (form field names in Indonesian). */
export function filterFromQuery(q: unknown): InboxFilter {
  const f: InboxFilter = {};
  const dari = qstr(q, 'dari');
  const sampai = qstr(q, 'sampai');
  if (DATE_RE.test(dari)) f.from = dari;
  if (DATE_RE.test(sampai)) f.to = sampai;
  const set = (k: 'monitor' | 'unit' | 'platform' | 'q', name: string) => { const x = qstr(q, name); if (x) f[k] = x; };
  set('monitor', 'pengawas'); set('unit', 'unit'); set('platform', 'platform'); set('q', 'q');
  const pel = qstr(q, 'pelanggaran');
  if ((VIOLATION_TYPES as readonly string[]).includes(pel)) f.violation = pel;
  const st = qstr(q, 'status');
  if ((FINDING_STATUSES as readonly string[]).includes(st)) f.status = st as FindingStatus;
  return f;
}

/** The StatusChange a workflow form asks for, or the message key of what is missing. */
export function changeFromForm(body: unknown): StatusChange | { problem: WsKey } {
  const to = field(body, 'ke');
  const note = field(body, 'catatan') || undefined;
  const withNote = <T extends object>(c: T): T => (note ? { ...c, note } : c);
  switch (to) {
    case 'diverifikasi': return withNote({ to });
    case 'baru': return withNote({ to });
    case 'diteruskan': {
      const receiver = field(body, 'penerima');
      const on = field(body, 'tanggal');
      const letterNumber = field(body, 'nomor_surat', 200);
      if (!(RECEIVERS as readonly string[]).includes(receiver)) return { problem: 'missingReceiver' };
      if (!DATE_RE.test(on) || Number.isNaN(Date.parse(on))) return { problem: 'missingDate' };
      if (!letterNumber) return { problem: 'missingLetter' };
      return withNote({ to, receiver: receiver as Receiver, on, letterNumber });
    }
    case 'ditindaklanjuti': {
      const sanction = field(body, 'sanksi');
      return sanction ? withNote({ to, sanction }) : { problem: 'missingSanction' };
    }
    case 'ditolak': {
      const reason = field(body, 'alasan');
      return reason ? { to, reason } : { problem: 'missingReason' };
    }
    default: return { problem: 'badStep' };
  }
}

/** Where to go after sign-in: only a path inside the workspace. */
function safeNext(x: string): string {
  return /^\/posko(?:[/?#][\x21-\x5b\x5d-\x7e]*)?$/.test(x) ? x : '/posko';
}

/** The page (GET) a form posted to `path` belongs to. */
export function getPageOf(path: string): string {
  if (path === '/posko/masuk' || path === '/posko/keluar') return '/posko/masuk';
  if (path.startsWith('/posko/tim')) return '/posko/tim';
  const m = /^\/posko\/(temuan|asn)\/(\d{1,9})\//.exec(path);
  return m ? `/posko/${m[1]}/${m[2]}` : '/posko';
}

/** Same host as the request, judged by Origin, else Referer, when the browser sends either. */
export function sameOrigin(req: FastifyRequest): boolean {
  const host = req.headers.host;
  const check = (value: string): boolean => {
    try {
      return !!host && new URL(value).host === host;
    } catch {
      return false;
    }
  };
  const origin = req.headers.origin;
  if (typeof origin === 'string') return check(origin);
  const referer = req.headers.referer;
  if (typeof referer === 'string' && referer !== '') return check(referer);
  return true;
}

export async function workspacePlugin(app: FastifyInstance, deps: WorkspaceDeps): Promise<void> {
  if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) await app.register(formbody, { bodyLimit: 64 * 1024 });
  if (!app.hasRequestDecorator('cookies')) await app.register(cookie);

  const { team, auth, storage } = deps;

  app.addHook('onSend', async (req, reply, payload) => {
    if (!req.url.startsWith('/posko')) return payload;
    if (!reply.hasHeader('Content-Security-Policy')) reply.header('Content-Security-Policy', CSP);
    // same-origin, not no-referrer: with no-referrer Chromium sends `Origin: null` on a form POST,
    // which the same-origin check must refuse; same-origin still gives other sites nothing.
    reply.header('Referrer-Policy', 'same-origin');
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Cross-Origin-Opener-Policy', 'same-origin');
    if (!reply.hasHeader('Cache-Control')) reply.header('Cache-Control', 'no-store');
    return payload;
  });

  const cookieOpts = (expires?: Date) => ({ path: '/posko', httpOnly: true, sameSite: 'strict' as const, secure: deps.secureCookies, ...(expires ? { expires } : {}) });

  function langOf(req: FastifyRequest, reply?: FastifyReply): WsLang {
    const asked = qstr(req.query, 'lang');
    if (isWsLang(asked)) {
      reply?.setCookie(LANG_COOKIE, asked, { ...cookieOpts(), maxAge: 365 * 24 * 3600 });
      return asked;
    }
    const c = req.cookies?.[LANG_COOKIE];
    return isWsLang(c) ? c : 'id';
  }

  function viewOf(req: FastifyRequest, lang: WsLang, session: Session | null): View {
    const u = new URL(req.url, 'http://x');
    const query = new URLSearchParams(u.search);
    query.delete('lang');
    // the language link of a page answering a form leads to the page the form was on (a GET)
    const path = req.method === 'POST' ? getPageOf(u.pathname) : u.pathname;
    return {
      lang, tz: deps.timeZone, path, query, csrf: session?.csrf ?? null,
      who: session ? { name: session.person.displayName || session.person.username, username: session.person.username, role: session.person.role } : null,
    };
  }

  async function context(req: FastifyRequest, reply: FastifyReply): Promise<Ctx> {
    const lang = langOf(req, reply);
    const sessionId = req.cookies?.[SESSION_COOKIE];
    const session = sessionId ? await auth.session(sessionId) : null;
    return { v: viewOf(req, lang, session), session, sessionId, person: session?.person ?? null };
  }

  const sendPage = (reply: FastifyReply, status: number, body: string) => reply.code(status).type('text/html; charset=utf-8').send(body);

  function refuse(reply: FastifyReply, v: View, status: number, key: WsKey, titleKey: WsKey = 'forbiddenTitle') {
    return sendPage(reply, status, messagePage(v, wt(v.lang, titleKey), wt(v.lang, key), { href: '/posko', label: wt(v.lang, 'backToInbox') }));
  }

  /** A page for signed-in people with one of `roles`; sends the redirect or 403 itself when not. */
  async function reader(req: FastifyRequest, reply: FastifyReply, roles: readonly Role[] = ROLES): Promise<Ctx & { person: Person; session: Session } | null> {
    const c = await context(req, reply);
    if (!c.session || !c.person) {
      const next = encodeURIComponent(safeNext(req.url));
      reply.redirect(`/posko/masuk?lanjut=${next}`, 303);
      return null;
    }
    if (!roles.includes(c.person.role)) {
      refuse(reply, c.v, 403, 'forbiddenRole');
      return null;
    }
    return c as Ctx & { person: Person; session: Session };
  }

  /** A change: session, same origin, CSRF, then the role (auditors: always 403). */
  async function writer(req: FastifyRequest, reply: FastifyReply, roles: readonly Role[] = ['coordinator']): Promise<Ctx & { person: Person; session: Session; actor: Actor } | null> {
    const c = await context(req, reply);
    if (!c.session || !c.person) {
      refuse(reply, c.v, 403, 'sessionNeeded');
      return null;
    }
    if (!sameOrigin(req)) {
      refuse(reply, c.v, 403, 'forbiddenOrigin');
      return null;
    }
    if (!auth.checkCsrf(c.session, field(req.body, '_csrf', 512) || undefined)) {
      refuse(reply, c.v, 403, 'forbiddenCsrf');
      return null;
    }
    if (!roles.includes(c.person.role)) {
      refuse(reply, c.v, 403, c.person.role === 'auditor' ? 'forbiddenAuditor' : 'forbiddenRole');
      return null;
    }
    return { ...(c as Ctx & { person: Person; session: Session }), actor: { name: c.person.username, role: c.person.role } };
  }

  app.setErrorHandler((err, req, reply) => {
    const lang = langOf(req);
    const v = viewOf(req, lang, null);
    const back = req.method === 'POST' ? getPageOf(v.path) : '/posko';
    const backLink = { href: back, label: wt(lang, back.startsWith('/posko/tim') ? 'backToTeam' : 'backToInbox') };
    if (isTeamError(err)) return sendPage(reply, err.status, messagePage(v, wt(lang, 'errorTitle'), teamErrorMessage(lang, err), backLink));
    const status = (err as { statusCode?: number }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return sendPage(reply, status, messagePage(v, wt(lang, 'errorTitle'), wt(lang, status === 413 ? 'tooLarge' : 'te_generic_422'), backLink));
    }
    req.log.error({ err }, 'workspace page failed');
    return sendPage(reply, 500, messagePage(v, wt(lang, 'errorTitle'), wt(lang, 'serverError'), backLink));
  });

  // ------------------------------------------------------------ style

  app.get('/posko/gaya.css', async (_req, reply) => reply.type('text/css; charset=utf-8').header('Cache-Control', 'public, max-age=3600').send(CSS));

  // A mistyped workspace address is a person in a browser: a page in their language, not the API's JSON.
  app.route({
    method: ['GET', 'HEAD'],
    url: '/posko/*',
    handler: async (req, reply) => refuse(reply, (await context(req, reply)).v, 404, 'pageNotFound', 'pageNotFoundTitle'),
  });

  // ------------------------------------------------------------ sign-in

  async function showSignIn(req: FastifyRequest, reply: FastifyReply, v: View, status: number, o: { error?: string; info?: string; username?: string } = {}) {
    const pra = randomBytes(24).toString('base64url');
    reply.setCookie(PRE_COOKIE, pra, { ...cookieOpts(), path: '/posko/masuk' });
    const next = safeNext(field(req.body, 'lanjut', 500) || qstr(req.query, 'lanjut', 500) || '/posko');
    return sendPage(reply, status, signInPage(v, { bootstrap: await auth.needsBootstrap(), pra, next, ...o }));
  }

  app.get('/posko/masuk', async (req, reply) => {
    const c = await context(req, reply);
    if (c.session) return reply.redirect('/posko', 303);
    return showSignIn(req, reply, c.v, 200, qstr(req.query, 'keluar') === '1' ? { info: wt(c.v.lang, 'signedOut') } : {});
  });

  app.post('/posko/masuk', async (req, reply) => {
    const lang = langOf(req, reply);
    const v = viewOf(req, lang, null);
    if (!sameOrigin(req)) return refuse(reply, v, 403, 'forbiddenOrigin');
    const pra = req.cookies?.[PRE_COOKIE] ?? '';
    if (!sameText(pra, field(req.body, '_pra', 200))) return showSignIn(req, reply, v, 403, { error: wt(lang, 'staleForm') });
    const username = field(req.body, 'username', 200);
    const password = typeof (req.body as Body | null)?.password === 'string' ? ((req.body as Body).password as string).slice(0, 1000) : '';
    if (await auth.needsBootstrap()) {
      const proof = field(req.body, 'token', 1000);
      const displayName = field(req.body, 'displayName', 200);
      const password2 = typeof (req.body as Body | null)?.password2 === 'string' ? ((req.body as Body).password2 as string).slice(0, 1000) : '';
      if (!proof || !username || !displayName || !password) return showSignIn(req, reply, v, 422, { error: wt(lang, 'fieldsMissing'), username });
      if (password !== password2) return showSignIn(req, reply, v, 422, { error: wt(lang, 'passwordsDiffer'), username });
      if (password.length < MIN_PASSWORD_LENGTH) return showSignIn(req, reply, v, 422, { error: wt(lang, 'passwordTooShort', { n: MIN_PASSWORD_LENGTH }), username });
      try {
        await auth.bootstrap(proof, username, displayName, password);
      } catch (e) {
        if (isTeamError(e)) return showSignIn(req, reply, v, e.status, { error: teamErrorMessage(lang, e), username });
        req.log.warn({ err: e }, 'workspace bootstrap refused');
        return showSignIn(req, reply, v, 422, { error: wt(lang, 'te_bad_proof'), username });
      }
    } else if (!username || !password) {
      return showSignIn(req, reply, v, 422, { error: wt(lang, 'fieldsMissing'), username });
    }
    const result = await auth.login(username, password, req.ip);
    if (!result.ok) {
      if (result.reason === 'locked') {
        const secs = Math.max(1, Math.ceil(result.retryAfterSeconds ?? 60));
        const wait = secs >= 90 ? wt(lang, 'waitMinutes', { n: Math.ceil(secs / 60) }) : wt(lang, 'waitSeconds', { n: secs });
        reply.header('Retry-After', String(secs));
        return showSignIn(req, reply, v, 429, { error: wt(lang, 'signInLocked', { wait }), username });
      }
      return showSignIn(req, reply, v, 401, { error: wt(lang, 'signInInvalid'), username });
    }
    // a session id the browser had before is never kept (fixation): end it, set the new one
    const old = req.cookies?.[SESSION_COOKIE];
    if (old && old !== result.sessionId) await auth.logout(old);
    reply.clearCookie(PRE_COOKIE, { path: '/posko/masuk' });
    reply.setCookie(SESSION_COOKIE, result.sessionId, cookieOpts(new Date(result.session.expiresAt)));
    return reply.redirect(safeNext(field(req.body, 'lanjut', 500) || '/posko'), 303);
  });

  app.post('/posko/keluar', async (req, reply) => {
    const c = await writer(req, reply, ROLES);
    if (!c) return reply;
    if (c.sessionId) await auth.logout(c.sessionId);
    reply.clearCookie(SESSION_COOKIE, { path: '/posko' });
    return reply.redirect('/posko/masuk?keluar=1', 303);
  });

  // ------------------------------------------------------------ inbox and evidence

  app.get('/posko', async (req, reply) => {
    const c = await reader(req, reply);
    if (!c) return reply;
    const isMonitor = c.person.role === 'monitor';
    const filter = filterFromQuery(req.query);
    if (isMonitor) filter.monitor = monitorNameOf(c.person);
    const [facets, result] = await Promise.all([team.facets(), team.inbox(filter, pageOf(req.query), PAGE_SIZE)]);
    // a monitor learns nothing about other monitors' records from the filter form either
    if (isMonitor) Object.assign(facets, { monitors: [], units: [], platforms: [] });
    return sendPage(reply, 200, inboxPage(c.v, { filter, facets, result, isMonitor }));
  });

  app.get('/posko/ekspor', async (req, reply) => {
    const c = await reader(req, reply);
    if (!c) return reply;
    const filter = filterFromQuery(req.query);
    if (c.person.role === 'monitor') filter.monitor = monitorNameOf(c.person);
    const ids = await team.evidenceIds(filter, EXPORT_CAP + 1);
    const back = { href: `/posko?${new URLSearchParams(req.url.split('?')[1] ?? '').toString()}`, label: wt(c.v.lang, 'backToInbox') };
    if (ids.length > EXPORT_CAP) return sendPage(reply, 422, messagePage(c.v, wt(c.v.lang, 'errorTitle'), wt(c.v.lang, 'exportTooMany', { n: EXPORT_CAP }), back));
    if (ids.length === 0) return sendPage(reply, 404, messagePage(c.v, wt(c.v.lang, 'errorTitle'), wt(c.v.lang, 'exportNone'), back));
    await deps.exportBundle(ids, c.person.username, reply);
    return reply;
  });

  /** The stored row, if this person may read it (sends 404/403 itself when not). */
  async function readableRow(req: FastifyRequest, reply: FastifyReply) {
    const c = await reader(req, reply);
    if (!c) return null;
    const id = (req.params as { id?: string }).id ?? '';
    const row = ID_RE.test(id) ? await storage.get(id) : null;
    if (!row) {
      refuse(reply, c.v, 404, 'notFound', 'errorTitle');
      return null;
    }
    if (c.person.role === 'monitor' && row.monitor !== monitorNameOf(c.person)) {
      refuse(reply, c.v, 403, 'forbiddenOtherMonitor');
      return null;
    }
    return { c, row };
  }

  app.get('/posko/bukti/:id', async (req, reply) => {
    const got = await readableRow(req, reply);
    if (!got) return reply;
    const { c, row } = got;
    const parse = (s: string): unknown => { try { return JSON.parse(s) as unknown; } catch { return null; } };
    const record = (parse(row.recordJson) ?? {}) as Record<string, unknown>;
    const custodyRaw = parse(row.custodyJson);
    const custody = (Array.isArray(custodyRaw) ? custodyRaw : []) as CustodyView[];
    const receiptRaw = parse(row.receiptJson);
    const [keys, versions, finding, sourceBuf] = await Promise.all([
      storage.listKeys(), storage.versions(row.id), c.person.role === 'monitor' ? null : team.findingOf(row.id).catch(() => null),
      row.sourcePath ? deps.readFile(row.sourcePath) : Promise.resolve(null),
    ]);
    const keyMap = new Map<string, PublicJwk>();
    for (const k of keys) if (isPublicJwk(k.publicKey)) keyMap.set(k.keyId, k.publicKey);
    let proof: RecordProof | null = null;
    try {
      proof = await checkRecord(record as unknown as Parameters<typeof checkRecord>[0], custody as unknown as CustodyLink[], { keys: keyMap, trustedServerKeys: new Set([deps.serverKeyKid]) });
    } catch (e) {
      req.log.warn({ err: e }, 'workspace: record check failed');
    }
    const receipt: ReceiptCheck | null = receiptRaw ? await verifyReceipt(receiptRaw) : null;
    let source: { text: string; truncatedAt: number | null } | null = null;
    if (sourceBuf) {
      const text = sourceBuf.toString('utf8');
      source = text.length > SOURCE_SHOWN ? { text: text.slice(0, SOURCE_SHOWN), truncatedAt: SOURCE_SHOWN } : { text, truncatedAt: null };
    }
    return sendPage(reply, 200, evidencePage(c.v, {
      row, record, custody, finding: finding ? { id: finding.id, status: finding.status } : null, proof,
      keyStatus: keys.find((k) => k.keyId === row.keyId)?.status ?? null, receipt, serverKeyKid: deps.serverKeyKid,
      versions, source, isMonitor: c.person.role === 'monitor',
    }));
  });

  const sendFile = (kind: 'gambar' | 'gambar-penuh' | 'sumber') => async (req: FastifyRequest, reply: FastifyReply) => {
    const got = await readableRow(req, reply);
    if (!got) return reply;
    const { c, row } = got;
    const path = kind === 'gambar' ? row.screenshotPath : kind === 'gambar-penuh' ? row.fullPath : row.sourcePath;
    const buf = path ? await deps.readFile(path) : null;
    if (!buf) return refuse(reply, c.v, 404, 'fileMissing', 'errorTitle');
    if (kind === 'sumber') {
      // never rendered as HTML: plain text, as a download, sandboxed if opened anyway
      return reply.type('text/plain; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="sumber-${row.id}.html.txt"`)
        .header('Content-Security-Policy', `${CSP}; sandbox`)
        .send(buf);
    }
    return reply.type('image/png').header('Content-Disposition', 'inline').header('Cache-Control', 'private, no-store').send(buf);
  };
  app.get('/posko/bukti/:id/gambar', sendFile('gambar'));
  app.get('/posko/bukti/:id/gambar-penuh', sendFile('gambar-penuh'));
  app.get('/posko/bukti/:id/sumber', sendFile('sumber'));

  // ------------------------------------------------------------ register

  const TEAM_READERS: readonly Role[] = ['coordinator', 'auditor'];
  const numParam = (req: FastifyRequest): number | null => posInt((req.params as { id?: string }).id ?? '');

  app.get('/posko/asn', async (req, reply) => {
    const c = await reader(req, reply, TEAM_READERS);
    if (!c) return reply;
    const q = qstr(req.query, 'q');
    const openOnly = qstr(req.query, 'terbuka') === '1';
    const result = await team.subjects({ ...(q ? { q } : {}), ...(openOnly ? { openOnly } : {}) }, pageOf(req.query), PAGE_SIZE);
    return sendPage(reply, 200, registerPage(c.v, { q, openOnly, result }));
  });

  app.get('/posko/asn/:id', async (req, reply) => {
    const c = await reader(req, reply, TEAM_READERS);
    if (!c) return reply;
    const id = numParam(req);
    const detail = id ? await team.subject(id) : null;
    if (!detail) return refuse(reply, c.v, 404, 'notFound', 'errorTitle');
    return sendPage(reply, 200, subjectPage(c.v, { detail, canChange: c.person.role === 'coordinator' }));
  });

  app.get('/posko/asn/:id/ekspor', async (req, reply) => {
    const c = await reader(req, reply, TEAM_READERS);
    if (!c) return reply;
    const id = numParam(req);
    const ids = id ? await team.evidenceIdsOfSubject(id) : [];
    if (!ids.length) return refuse(reply, c.v, 404, 'exportNone', 'errorTitle');
    await deps.exportBundle(ids, c.person.username, reply);
    return reply;
  });

  app.post('/posko/asn/:id/gabung', async (req, reply) => {
    const c = await writer(req, reply);
    if (!c) return reply;
    const id = numParam(req);
    const into = posInt(field(req.body, 'ke'));
    if (!id) return refuse(reply, c.v, 404, 'notFound', 'errorTitle');
    if (!into) {
      const detail = await team.subject(id);
      if (!detail) return refuse(reply, c.v, 404, 'notFound', 'errorTitle');
      return sendPage(reply, 422, subjectPage(c.v, { detail, canChange: true, error: wt(c.v.lang, 'badNumber') }));
    }
    const merged = await team.mergeSubjects(id, into, c.actor);
    return reply.redirect(`/posko/asn/${merged.subject.id}`, 303);
  });

  app.post('/posko/asn/:id/pisah', async (req, reply) => {
    const c = await writer(req, reply);
    if (!c) return reply;
    const id = numParam(req);
    const from = posInt(field(req.body, 'dari'));
    if (!id || !from) return refuse(reply, c.v, 422, 'badNumber', 'errorTitle');
    await team.splitSubject(from, c.actor);
    return reply.redirect(`/posko/asn/${id}`, 303);
  });

  // ------------------------------------------------------------ findings

  async function showFinding(reply: FastifyReply, c: Ctx & { person: Person }, id: number, status: number, error?: string) {
    const finding = await team.finding(id);
    if (!finding) return refuse(reply, c.v, 404, 'notFound', 'errorTitle');
    const [subject, audit] = await Promise.all([team.subject(finding.subjectId), team.auditLog({ target: `finding:${id}` }, 1, 200)]);
    return sendPage(reply, status, findingPage(c.v, {
      finding, subjectName: subject?.subject.name ?? null, audit: audit.items, canChange: c.person.role === 'coordinator', ...(error ? { error } : {}),
      siblings: subject?.findings ?? [],
    }));
  }

  app.get('/posko/temuan/:id', async (req, reply) => {
    const c = await reader(req, reply, TEAM_READERS);
    if (!c) return reply;
    const id = numParam(req);
    if (!id) return refuse(reply, c.v, 404, 'notFound', 'errorTitle');
    return showFinding(reply, c, id, 200);
  });

  app.post('/posko/temuan/:id/status', async (req, reply) => {
    const c = await writer(req, reply);
    if (!c) return reply;
    const id = numParam(req);
    if (!id) return refuse(reply, c.v, 404, 'notFound', 'errorTitle');
    const change = changeFromForm(req.body);
    if ('problem' in change) return showFinding(reply, c, id, 422, wt(c.v.lang, change.problem));
    try {
      await team.changeStatus(id, change, c.actor);
    } catch (e) {
      if (isTeamError(e) && e.status !== 404) return showFinding(reply, c, id, e.status, teamErrorMessage(c.v.lang, e));
      throw e;
    }
    return reply.redirect(`/posko/temuan/${id}`, 303);
  });

  app.post('/posko/temuan/:id/gabung', async (req, reply) => {
    const c = await writer(req, reply);
    if (!c) return reply;
    const id = numParam(req);
    if (!id) return refuse(reply, c.v, 404, 'notFound', 'errorTitle');
    const into = posInt(field(req.body, 'ke'));
    if (!into) return showFinding(reply, c, id, 422, wt(c.v.lang, 'badNumber'));
    const merged = await team.mergeFindings(id, into, c.actor);
    return reply.redirect(`/posko/temuan/${merged.id}`, 303);
  });

  app.post('/posko/temuan/:id/pisah', async (req, reply) => {
    const c = await writer(req, reply);
    if (!c) return reply;
    const id = numParam(req);
    const from = posInt(field(req.body, 'dari'));
    if (!id || !from) return refuse(reply, c.v, 422, 'badNumber', 'errorTitle');
    await team.splitFinding(from, c.actor);
    return reply.redirect(`/posko/temuan/${id}`, 303);
  });

  // ------------------------------------------------------------ team

  async function showTeam(req: FastifyRequest, reply: FastifyReply, c: Ctx & { person: Person }, status: number, msg: { error?: string; info?: string } = {}) {
    const [people, tokens, keys, audit, verify] = await Promise.all([
      auth.people(), auth.tokens(), storage.listKeys(), team.auditLog({}, pageOf(req.query, 'audit_hal'), PAGE_SIZE), team.verifyAudit(),
    ]);
    return sendPage(reply, status, teamPage(c.v, { people, tokens, keys, audit, verify, canChange: c.person.role === 'coordinator', ...msg }));
  }

  app.get('/posko/tim', async (req, reply) => {
    const c = await reader(req, reply, TEAM_READERS);
    if (!c) return reply;
    return showTeam(req, reply, c, 200);
  });

  const roleField = (body: unknown): Role | null => {
    const r = field(body, 'role');
    return (ROLES as readonly string[]).includes(r) ? (r as Role) : null;
  };

  app.post('/posko/tim/orang', async (req, reply) => {
    const c = await writer(req, reply);
    if (!c) return reply;
    const username = field(req.body, 'username', 64);
    const displayName = field(req.body, 'displayName', 200);
    const role = roleField(req.body);
    const monitor = field(req.body, 'monitor', 200) || null;
    const password = typeof (req.body as Body | null)?.password === 'string' ? ((req.body as Body).password as string).slice(0, 1000) : '';
    if (!username || !displayName || !role || !password) return showTeam(req, reply, c, 422, { error: wt(c.v.lang, 'fieldsMissing') });
    if (password.length < MIN_PASSWORD_LENGTH) return showTeam(req, reply, c, 422, { error: wt(c.v.lang, 'passwordTooShort', { n: MIN_PASSWORD_LENGTH }) });
    try {
      const p = await auth.addPerson({ username, displayName, role, monitor: role === 'monitor' ? monitor : null, password }, c.person.username);
      await team.audit(c.actor, 'person.add', `person:${p.username}`, { role: p.role, monitor: p.monitor });
    } catch (e) {
      if (isTeamError(e)) return showTeam(req, reply, c, e.status, { error: teamErrorMessage(c.v.lang, e) });
      throw e;
    }
    return reply.redirect('/posko/tim#orang', 303);
  });

  app.post('/posko/tim/orang/nonaktif', async (req, reply) => {
    const c = await writer(req, reply);
    if (!c) return reply;
    const username = field(req.body, 'username', 64);
    if (!username || username === c.person.username) return showTeam(req, reply, c, 422, { error: wt(c.v.lang, 'te_generic_422') });
    await auth.disablePerson(username, c.person.username);
    await team.audit(c.actor, 'person.disable', `person:${username}`, {});
    return reply.redirect('/posko/tim#orang', 303);
  });

  app.post('/posko/tim/token', async (req, reply) => {
    const c = await writer(req, reply);
    if (!c) return reply;
    const monitor = field(req.body, 'monitor', 200);
    const role = roleField(req.body) ?? 'monitor';
    const label = field(req.body, 'label', 200);
    if (!monitor) return showTeam(req, reply, c, 422, { error: wt(c.v.lang, 'fieldsMissing') });
    const { token, issued } = await auth.issueToken({ monitor, role, label }, c.person.username);
    await team.audit(c.actor, 'token.issue', `token:${issued.id}`, { monitor: issued.monitor, role: issued.role, label: issued.label });
    // the plain token is in this answer only: never cached, never stored
    reply.header('Cache-Control', 'no-store');
    return sendPage(reply, 200, newTokenPage(c.v, { token, issued }));
  });

  app.post('/posko/tim/token/cabut', async (req, reply) => {
    const c = await writer(req, reply);
    if (!c) return reply;
    const id = field(req.body, 'id', 64);
    const revoked = /^[0-9a-f]{8}$/.test(id) ? await auth.revokeToken(id, c.person.username) : null;
    if (!revoked) return refuse(reply, c.v, 404, 'notFound', 'errorTitle');
    await team.audit(c.actor, 'token.revoke', `token:${revoked.id}`, { monitor: revoked.monitor });
    return reply.redirect('/posko/tim#token', 303);
  });

  app.post('/posko/tim/kunci', async (req, reply) => {
    const c = await writer(req, reply);
    if (!c) return reply;
    const keyId = field(req.body, 'kunci', 64);
    const decision = field(req.body, 'keputusan');
    if (!/^[0-9a-f]{64}$/.test(keyId) || (decision !== 'approved' && decision !== 'revoked')) return refuse(reply, c.v, 422, 'te_generic_422', 'errorTitle');
    const key = await storage.decideKey(keyId, decision, c.person.username, new Date().toISOString());
    if (!key) return refuse(reply, c.v, 404, 'notFound', 'errorTitle');
    await team.audit(c.actor, decision === 'approved' ? 'key.approve' : 'key.revoke', `key:${keyId}`, { monitor: key.monitor });
    return reply.redirect('/posko/tim#kunci', 303);
  });
}
