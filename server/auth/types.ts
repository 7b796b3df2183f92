/**
 * Sign-in to the web workspace (issue 15). server/auth implements `AuthApi`; the workspace routes
 * (server/workspace) use it. Sessions live in the database so every server process sees them.
 */
import type { Role } from '../tokens';

export interface Person {
  username: string;
  displayName: string;
  role: Role;
  /** for role monitor: the monitor name their records carry (default: username) */
  monitor: string | null;
  createdAt: string;
  disabledAt: string | null;
}

export interface Session {
  /** the person signed in */
  person: Person;
  /** to put in every form as the hidden field `_csrf` */
  csrf: string;
  expiresAt: string;
}

export type LoginResult =
  | { ok: true; sessionId: string; session: Session }
  /** wrong name or password (never says which), or locked for `retryAfterSeconds` */
  | { ok: false; reason: 'invalid' | 'locked'; retryAfterSeconds?: number };

export interface IssuedToken {
  /** 8-hex fingerprint (never the token) */
  id: string;
  monitor: string;
  role: Role;
  label: string;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
  revokedBy: string | null;
}

export interface AuthApi {
  /** True when no coordinator account exists yet (first start: the page offers to create one). */
  needsBootstrap(): Promise<boolean>;
  /** Creates the first coordinator account; `proof` must be a configured coordinator token. */
  bootstrap(proof: string, username: string, displayName: string, password: string): Promise<Person>;
  /**
   * `client` is the remote address (throttled per account and per address). `previousSessionId`:
   * the session cookie the browser presented with the sign-in form, if any; that session is
   * deleted (a new id is always issued, so an id planted before sign-in never becomes a session).
   */
  login(username: string, password: string, client: string, previousSessionId?: string): Promise<LoginResult>;
  /** A session id from the cookie: the session, or null (unknown, expired, person disabled). */
  session(sessionId: string | undefined): Promise<Session | null>;
  /** Constant-time check of the form's `_csrf` against the session's. */
  checkCsrf(session: Session, token: string | undefined): boolean;
  logout(sessionId: string): Promise<void>;
  people(): Promise<Person[]>;
  addPerson(p: { username: string; displayName: string; role: Role; monitor?: string | null; password: string }, by: string): Promise<Person>;
  /** Ends every session of that person (sign in again with the new password). `by`: who changed it (default: the person). */
  setPassword(username: string, password: string, by?: string): Promise<void>;
  disablePerson(username: string, by: string): Promise<void>;
  /** Issues a token; the plain token is returned once and never stored. */
  issueToken(t: { monitor: string; role: Role; label: string }, by: string): Promise<{ token: string; issued: IssuedToken }>;
  tokens(): Promise<IssuedToken[]>;
  revokeToken(id: string, by: string): Promise<IssuedToken | null>;
  /** Tokens issued from the workspace: who a presented token is (null: not one of them). */
  tokenIdentity(token: string): Promise<{ monitor: string; role: Role; enabled: boolean } | null>;
}

/** Password rules shown on the form (at least 10 characters; not the username). */
export const MIN_PASSWORD_LENGTH = 10;

/**
 * Refusals of people and token changes (and of bootstrap). `message` is plain Indonesian a person
 * may read; the route answers `status` and may map `code` to its own text (e.g. English).
 */
export class AuthError extends Error {
  constructor(
    readonly status: 403 | 404 | 409 | 422,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

/** Name of the session cookie. */
export const SESSION_COOKIE = 'posko_sesi';
