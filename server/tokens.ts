/**
 * Monitor tokens. Each monitor (pengawas) gets its own bearer token so the server can record who
 * sent a record and an office can disable one monitor's token without touching the others.
 *
 * Only SHA-256 digests of tokens are kept in memory; presented tokens are hashed and compared
 * with crypto.timingSafeEqual against every configured digest (no early exit), so the compare
 * time does not depend on which token matched or on how many leading characters were right.
 * Tokens are never logged; `describeTokens` prints monitor names and an 8-hex fingerprint only.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type Scope = 'upload' | 'list' | 'keys';
export const ALL_SCOPES: readonly Scope[] = ['upload', 'list', 'keys'];

/** Team roles (shared contracts section 5); a token without a role is a monitor. */
export type Role = 'monitor' | 'coordinator' | 'auditor';
export const ROLES: readonly Role[] = ['monitor', 'coordinator', 'auditor'];
/** What each role may do: a monitor uploads (and lists), a coordinator also manages device keys, an auditor reads. */
export const ROLE_SCOPES: Record<Role, readonly Scope[]> = {
  monitor: ['upload', 'list'],
  coordinator: ['list', 'keys'],
  auditor: ['list'],
};

/** One entry of the config file / startServer({tokens}). Give `token` or `tokenSha256`. */
export interface TokenEntry {
  monitor: string;
  token?: string;
  /** Lower-case hex SHA-256 of the token, so the config file need not hold the plain token. */
  tokenSha256?: string;
  /** false: token is known but refused with 403 (e.g. a monitor who left the team). Default true. */
  enabled?: boolean;
  /** monitor (default), coordinator or auditor */
  role?: Role;
  /** Narrows what the role allows. A token without the scope gets 403. */
  scopes?: Scope[];
}

/** startServer accepts a list of entries or a plain `{ monitor: token }` map. */
export type TokenInput = TokenEntry[] | Record<string, string>;

interface KnownToken {
  monitor: string;
  role: Role;
  digest: Buffer;
  enabled: boolean;
  scopes: ReadonlySet<Scope>;
}

export type AuthResult =
  | { ok: true; monitor: string; role: Role }
  | { ok: false; status: 401 | 403; error: string };

export function sha256(data: string | Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

export function tokenFingerprint(token: string): string {
  return sha256(token).toString('hex').slice(0, 8);
}

export class TokenStore {
  private readonly known: KnownToken[];

  constructor(input: TokenInput) {
    const entries: TokenEntry[] = Array.isArray(input)
      ? input
      : Object.entries(input).map(([monitor, token]) => ({ monitor, token }));
    this.known = entries.map((e, i) => {
      if (!e || typeof e.monitor !== 'string' || e.monitor.trim() === '') {
        throw new Error(`token entry ${i}: "monitor" (a name) is required`);
      }
      let digest: Buffer;
      if (typeof e.token === 'string' && e.token.length > 0) {
        if (e.token.length < 8) throw new Error(`token for monitor "${e.monitor}" is shorter than 8 characters`);
        if (!/^[\x21-\x7e]+$/.test(e.token)) {
          throw new Error(`token for monitor "${e.monitor}" must be printable ASCII without spaces`);
        }
        digest = sha256(e.token);
      } else if (typeof e.tokenSha256 === 'string' && /^[0-9a-f]{64}$/.test(e.tokenSha256)) {
        digest = Buffer.from(e.tokenSha256, 'hex');
      } else {
        throw new Error(`token entry for monitor "${e.monitor}": give "token" or "tokenSha256" (64 hex)`);
      }
      const role = e.role ?? 'monitor';
      if (!ROLES.includes(role)) throw new Error(`token entry for "${e.monitor}": unknown role "${String(role)}" (monitor, coordinator or auditor)`);
      for (const s of e.scopes ?? []) {
        if (!ALL_SCOPES.includes(s)) throw new Error(`token entry for monitor "${e.monitor}": unknown scope "${s}"`);
      }
      const scopes = new Set<Scope>(ROLE_SCOPES[role].filter((s) => !e.scopes || e.scopes.includes(s)));
      return { monitor: e.monitor, role, digest, enabled: e.enabled !== false, scopes };
    });
  }

  get size(): number {
    return this.known.length;
  }

  monitors(): string[] {
    return this.known.map((k) => k.monitor);
  }

  /**
   * Who a presented token belongs to, with its role and scopes, without asking for a scope
   * (GET /v1/whoami: the options page's connection test). Constant time over the token list.
   */
  identify(presented: string | null): { ok: true; monitor: string; role: Role; scopes: Scope[] } | { ok: false; status: 401 | 403; error: string } {
    if (!presented) return { ok: false, status: 401, error: 'missing bearer token' };
    const digest = sha256(presented);
    let match: KnownToken | null = null;
    for (const k of this.known) {
      // Both digests are 32 bytes, so timingSafeEqual never throws on length.
      if (timingSafeEqual(k.digest, digest) && match === null) match = k;
    }
    if (!match) return { ok: false, status: 401, error: 'unknown token' };
    if (!match.enabled) return { ok: false, status: 403, error: 'token disabled' };
    return { ok: true, monitor: match.monitor, role: match.role, scopes: ALL_SCOPES.filter((s) => match.scopes.has(s)) };
  }

  /** Checks a presented token (may be null) for a scope. Constant time over the token list. */
  authenticate(presented: string | null, scope: Scope): AuthResult {
    return withScope(this.identify(presented), scope);
  }
}

/** An identified token (or its refusal) checked for one scope: 403 when the token may not. */
export function withScope(who: ReturnType<TokenStore['identify']>, scope: Scope): AuthResult {
  if (!who.ok) return who;
  if (!who.scopes.includes(scope)) return { ok: false, status: 403, error: `a ${who.role} token may not ${scope}` };
  return { ok: true, monitor: who.monitor, role: who.role };
}

/** Parses ASN_SERVER_TOKENS="monitorA:token1,monitorB:token2". */
export function parseTokenEnv(value: string): TokenEntry[] {
  const out: TokenEntry[] = [];
  for (const part of value.split(',')) {
    const item = part.trim();
    if (!item) continue;
    const colon = item.indexOf(':');
    if (colon <= 0 || colon === item.length - 1) {
      throw new Error('ASN_SERVER_TOKENS must look like "monitorA:token1,monitorB:token2"');
    }
    out.push({ monitor: item.slice(0, colon).trim(), token: item.slice(colon + 1).trim() });
  }
  return out;
}

/** The part of the JSON config file (ASN_SERVER_CONFIG) the server reads. */
export interface ConfigFile {
  tokens?: TokenInput;
  maxBytes?: number;
  /** uploads in progress at once, all tokens (default 32) */
  maxUploads?: number;
  /** uploads in progress at once per token (default 4) */
  maxUploadsPerToken?: number;
}

export function readConfigFile(path: string): ConfigFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read config file ${path}: ${(e as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`config file ${path} must hold a JSON object`);
  }
  return parsed as ConfigFile;
}

/**
 * The dev default: when no token is configured anywhere, a random token for monitor "dev" is
 * generated once into `path` (mode 0600) and read back on later starts. The value is never
 * printed; the CLI prints where the file is.
 */
export function loadOrCreateDevTokens(path: string): { entries: TokenEntry[]; created: boolean } {
  if (existsSync(path)) {
    const cfg = readConfigFile(path);
    if (!cfg.tokens) throw new Error(`${path} has no "tokens"`);
    const entries = Array.isArray(cfg.tokens)
      ? cfg.tokens
      : Object.entries(cfg.tokens).map(([monitor, token]) => ({ monitor, token }));
    return { entries, created: false };
  }
  mkdirSync(dirname(path), { recursive: true });
  const token = `dev-${randomBytes(24).toString('base64url')}`;
  // The coordinator token opens the workspace the first time (it creates the first coordinator account).
  const coordinator = `koordinator-${randomBytes(24).toString('base64url')}`;
  const file: ConfigFile = { tokens: [{ monitor: 'dev', token, enabled: true }, { monitor: 'koordinator', token: coordinator, role: 'coordinator', enabled: true }] };
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return { entries: file.tokens as TokenEntry[], created: true };
}

/** Human-readable hint: monitor names and fingerprints, never the tokens. */
export function describeTokens(entries: TokenEntry[]): string {
  return entries
    .map((e) => {
      const fp = e.token ? tokenFingerprint(e.token) : (e.tokenSha256 ?? '').slice(0, 8);
      return `${e.monitor} (${e.role && e.role !== 'monitor' ? `${e.role}, ` : ''}sha256:${fp}${e.enabled === false ? ', disabled' : ''})`;
    })
    .join(', ');
}
