import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../canonical';
import { describeTokens, loadOrCreateDevTokens, parseTokenEnv, sha256, TokenStore } from '../tokens';

describe('tokens', () => {
  it('parses ASN_SERVER_TOKENS', () => {
    expect(parseTokenEnv(' monitorA:token-one-1 , monitorB:tok:en-two ')).toEqual([
      { monitor: 'monitorA', token: 'token-one-1' },
      { monitor: 'monitorB', token: 'tok:en-two' },
    ]);
    expect(() => parseTokenEnv('justatoken')).toThrow(/monitorA:token1/);
  });

  it('authenticates: 401 missing/unknown, 403 disabled/unscoped, ok with monitor name', () => {
    const store = new TokenStore([
      { monitor: 'a', token: 'aaaaaaaa-1' },
      { monitor: 'b', tokenSha256: sha256('bbbbbbbb-2').toString('hex') },
      { monitor: 'c', token: 'cccccccc-3', enabled: false },
      { monitor: 'd', token: 'dddddddd-4', scopes: ['list'] },
    ]);
    expect(store.authenticate(null, 'upload')).toMatchObject({ ok: false, status: 401 });
    expect(store.authenticate('nope-nope', 'upload')).toMatchObject({ ok: false, status: 401 });
    expect(store.authenticate('aaaaaaaa-1', 'upload')).toEqual({ ok: true, monitor: 'a', role: 'monitor' });
    expect(store.authenticate('bbbbbbbb-2', 'list')).toEqual({ ok: true, monitor: 'b', role: 'monitor' });
    expect(store.authenticate('cccccccc-3', 'upload')).toMatchObject({ ok: false, status: 403 });
    expect(store.authenticate('dddddddd-4', 'upload')).toMatchObject({ ok: false, status: 403 });
    expect(store.authenticate('dddddddd-4', 'list')).toEqual({ ok: true, monitor: 'd', role: 'monitor' });
  });

  it('roles: a monitor uploads and lists, a coordinator lists and manages keys, an auditor lists; scopes only narrow a role', () => {
    const store = new TokenStore([
      { monitor: 'm', token: 'mmmmmmmm-1' },
      { monitor: 'k', token: 'kkkkkkkk-2', role: 'coordinator' },
      { monitor: 'u', token: 'uuuuuuuu-3', role: 'auditor' },
      { monitor: 'n', token: 'nnnnnnnn-4', role: 'auditor', scopes: ['list', 'upload', 'keys'] },
    ]);
    const allowed = (token: string) => (['upload', 'list', 'keys'] as const).filter((sc) => store.authenticate(token, sc).ok);
    expect(allowed('mmmmmmmm-1')).toEqual(['upload', 'list']);
    expect(allowed('kkkkkkkk-2')).toEqual(['list', 'keys']);
    expect(allowed('uuuuuuuu-3')).toEqual(['list']);
    expect(allowed('nnnnnnnn-4')).toEqual(['list']); // scopes cannot widen the role
    expect(store.authenticate('kkkkkkkk-2', 'list')).toEqual({ ok: true, monitor: 'k', role: 'coordinator' });
    expect(store.authenticate('kkkkkkkk-2', 'upload')).toMatchObject({ ok: false, status: 403 });
    expect(() => new TokenStore([{ monitor: 'x', token: 'xxxxxxxx-1', role: 'admin' as never }])).toThrow(/unknown role/);
  });

  it('accepts a {monitor: token} map and rejects weak or malformed entries', () => {
    expect(new TokenStore({ x: 'xxxxxxxx-1' }).authenticate('xxxxxxxx-1', 'upload')).toEqual({ ok: true, monitor: 'x', role: 'monitor' });
    expect(() => new TokenStore([{ monitor: 'x', token: 'short' }])).toThrow(/8 characters/);
    expect(() => new TokenStore([{ monitor: 'x', token: 'has space in it' }])).toThrow(/printable/);
    expect(() => new TokenStore([{ monitor: '', token: 'xxxxxxxx-1' }])).toThrow(/monitor/);
    expect(() => new TokenStore([{ monitor: 'x' }])).toThrow(/tokenSha256/);
  });

  it('describeTokens never contains the token', () => {
    const text = describeTokens([{ monitor: 'a', token: 'super-secret-1' }, { monitor: 'b', token: 'super-secret-2', enabled: false }]);
    expect(text).toMatch(/^a \(sha256:[0-9a-f]{8}\), b \(sha256:[0-9a-f]{8}, disabled\)$/);
    expect(text).not.toContain('super-secret');
  });

  it('generates the dev token file once (mode 0600) and reads it back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'asn-tokens-'));
    try {
      const file = join(dir, 'sub', 'tokens.json');
      const first = loadOrCreateDevTokens(file);
      expect(first.created).toBe(true);
      expect(first.entries[0]).toMatchObject({ monitor: 'dev', token: expect.stringMatching(/^dev-[A-Za-z0-9_-]{32}$/) });
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const second = loadOrCreateDevTokens(file);
      expect(second).toEqual({ entries: first.entries, created: false });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('canonicalJson', () => {
  it('sorts keys recursively and ignores formatting', () => {
    expect(canonicalJson({ b: 1, a: [{ d: null, c: 'x' }], e: { g: true, f: 1.5 } })).toBe(
      '{"a":[{"c":"x","d":null}],"b":1,"e":{"f":1.5,"g":true}}',
    );
    expect(canonicalJson(JSON.parse('{ "z" : "\\u00e9", "a": "\\u0000" }'))).toBe('{"a":"\\u0000","z":"é"}');
  });
});

describe('CLI (server/main.ts)', () => {
  it('starts with env tokens, prints URL and a hint but never the token, exits 0 on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'asn-cli-'));
    const cfg = join(dir, 'config.json');
    await writeFile(cfg, JSON.stringify({ tokens: [{ monitor: 'fromfile', token: 'file-token-secret-9' }], maxBytes: 1048576 }));
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: root,
      env: {
        ...process.env, PORT: '0', ASN_SERVER_DATA: dir, ASN_SERVER_CONFIG: cfg,
        ASN_SERVER_TOKENS: 'monA:env-token-secret-1,monB:env-token-secret-2', DATABASE_URL: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    try {
      const url = await new Promise<string>((ok, fail) => {
        const t = setTimeout(() => fail(new Error(`no URL printed:\n${out}`)), 30_000);
        const check = () => {
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m) {
            clearTimeout(t);
            ok(m[1]!);
          }
        };
        child.stdout.on('data', check);
        child.once('exit', (code) => fail(new Error(`exited ${code}:\n${out}`)));
      });
      const health = await fetch(`${url}/v1/health`);
      expect(health.status).toBe(200);
      const list = await fetch(`${url}/v1/evidence`, { headers: { Authorization: 'Bearer file-token-secret-9' } });
      expect(list.status).toBe(200);
      expect((await fetch(`${url}/v1/evidence`, { headers: { Authorization: 'Bearer env-token-secret-2' } })).status).toBe(200);
      expect((await fetch(`${url}/__test/faults`, { method: 'POST', body: '[]' })).status).toBe(404);
      const code = await new Promise<number | null>((ok) => {
        child.once('exit', (c) => ok(c));
        child.kill('SIGTERM');
      });
      expect(code).toBe(0);
      expect(out).toMatch(/monA \(sha256:[0-9a-f]{8}\)/);
      expect(out).toMatch(/fromfile/);
      expect(out).toMatch(/1048576 bytes/);
      expect(out).not.toMatch(/secret/);
      // No dev token file when tokens are configured.
      await expect(readFile(join(dir, 'tokens.json'))).rejects.toThrow();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
