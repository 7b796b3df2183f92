/**
 * CLI: `npx tsx server/main.ts`. Configuration from the environment (docs/server.md):
 *   PORT (8787), HOST (127.0.0.1), ASN_SERVER_DATA (server/data), DATABASE_URL (postgres://...,
 *   default: embedded PGlite), ASN_SERVER_TOKENS ("monitorA:token1,monitorB:token2"),
 *   ASN_SERVER_CONFIG (JSON file: {"tokens": [...], "maxBytes": n}),
 *   ASN_SERVER_MAX_BYTES, ASN_SERVER_MAX_UPLOADS (32), ASN_SERVER_MAX_UPLOADS_PER_TOKEN (4),
 *   ASN_SERVER_KEY_FILE (default <data>/server-key.json), ASN_SERVER_FILES (database|disk: where
 *   screenshots go; default database with DATABASE_URL, else disk), ASN_SERVER_TZ (the team's zone,
 *   default Asia/Jakarta), ASN_SERVER_SECURE_COOKIES=1 (reached over HTTPS: Secure cookies),
 *   ASN_SERVER_TEST_HOOKS=1 + ASN_SERVER_FAULTS='[...]' (e2e only; never set in production).
 * With no token configured, a random token for monitor "dev" is generated once into
 * <data>/tokens.json; the CLI says where it is but never prints a token.
 */
import { join, relative, resolve } from 'node:path';
import {
  DEFAULT_DATA_DIR, DEFAULT_HOST, DEFAULT_MAX_BYTES, DEFAULT_MAX_UPLOADS, DEFAULT_MAX_UPLOADS_PER_TOKEN, DEFAULT_PORT, startServer,
  type ServerOptions,
} from './app';
import { validateFaults } from './faults';
import {
  describeTokens, loadOrCreateDevTokens, parseTokenEnv, readConfigFile, type TokenEntry,
} from './tokens';

function intEnv(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  if (!/^\d+$/.test(v)) throw new Error(`${name} must be a non-negative integer`);
  return Number(v);
}

function toEntries(tokens: unknown): TokenEntry[] {
  if (Array.isArray(tokens)) return tokens as TokenEntry[];
  if (tokens && typeof tokens === 'object') {
    return Object.entries(tokens as Record<string, string>).map(([monitor, token]) => ({ monitor, token }));
  }
  return [];
}

async function main(): Promise<void> {
  const env = process.env;
  const dataDir = resolve(env.ASN_SERVER_DATA || DEFAULT_DATA_DIR);
  let maxBytes = DEFAULT_MAX_BYTES;
  let maxUploads = DEFAULT_MAX_UPLOADS;
  let maxUploadsPerToken = DEFAULT_MAX_UPLOADS_PER_TOKEN;
  const tokens = new Map<string, TokenEntry>();
  const sources: string[] = [];

  if (env.ASN_SERVER_CONFIG) {
    const cfg = readConfigFile(env.ASN_SERVER_CONFIG);
    for (const e of toEntries(cfg.tokens)) tokens.set(e.monitor, e);
    if (cfg.maxBytes !== undefined) maxBytes = cfg.maxBytes;
    if (cfg.maxUploads !== undefined) maxUploads = cfg.maxUploads;
    if (cfg.maxUploadsPerToken !== undefined) maxUploadsPerToken = cfg.maxUploadsPerToken;
    sources.push(`config file ${env.ASN_SERVER_CONFIG}`);
  }
  if (env.ASN_SERVER_TOKENS) {
    for (const e of parseTokenEnv(env.ASN_SERVER_TOKENS)) tokens.set(e.monitor, e);
    sources.push('ASN_SERVER_TOKENS');
  }
  maxBytes = intEnv('ASN_SERVER_MAX_BYTES', maxBytes);
  maxUploads = intEnv('ASN_SERVER_MAX_UPLOADS', maxUploads);
  maxUploadsPerToken = intEnv('ASN_SERVER_MAX_UPLOADS_PER_TOKEN', maxUploadsPerToken);
  if (tokens.size === 0) {
    const file = join(dataDir, 'tokens.json');
    const dev = loadOrCreateDevTokens(file);
    for (const e of dev.entries) tokens.set(e.monitor, e);
    const rel = relative(process.cwd(), file);
    const shown = rel && !rel.startsWith('..') ? rel : file;
    sources.push(dev.created ? `newly generated ${shown} (copy the token from that file)` : `${shown} (copy the token from that file)`);
  }

  const testHooks = env.ASN_SERVER_TEST_HOOKS === '1';
  const options: ServerOptions = {
    port: intEnv('PORT', DEFAULT_PORT),
    host: env.HOST || DEFAULT_HOST,
    dataDir,
    databaseUrl: env.DATABASE_URL || null,
    serverKeyFile: env.ASN_SERVER_KEY_FILE || undefined,
    tokens: [...tokens.values()],
    maxBytes,
    maxConcurrentUploads: maxUploads,
    maxUploadsPerToken,
    testHooks,
    files: env.ASN_SERVER_FILES === 'disk' || env.ASN_SERVER_FILES === 'database' ? env.ASN_SERVER_FILES : undefined,
    timeZone: env.ASN_SERVER_TZ || undefined,
    secureCookies: env.ASN_SERVER_SECURE_COOKIES === '1',
    faults: testHooks && env.ASN_SERVER_FAULTS ? validateFaults(JSON.parse(env.ASN_SERVER_FAULTS)) : undefined,
  };
  const server = await startServer(options);
  const entries = [...tokens.values()];
  console.log(`ASN evidence server listening on ${server.url}`);
  console.log(`  team workspace (Posko Timwas): ${server.url}/posko`);
  console.log(`  storage: ${options.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${join(dataDir, 'db')}`}; screenshots ${server.files.kind === 'database' ? 'in the database' : `in ${server.screenshotsDir}`}`);
  console.log(`  tokens: ${entries.length}: ${describeTokens(entries)}; from ${sources.join(' + ')}`);
  console.log(`  server key (receipts): kid ${server.serverKey.kid}; pin it in the verifier with --server-key ${server.serverKey.kid}`);
  console.log(`  limits: ${maxBytes} bytes per upload; ${maxUploadsPerToken} uploads at a time per token, ${maxUploads} in all.`);
  if (testHooks) console.warn('  WARNING: test hooks enabled (/__test/faults, /__test/memory). Never use this in production.');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    server.close().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error(`shutdown error: ${(e as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e: unknown) => {
  console.error(`asn-evidence server failed to start: ${(e as Error)?.message ?? String(e)}`);
  process.exit(1);
});
