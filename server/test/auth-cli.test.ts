/**
 * The console tool (server/people-cli.ts) run as a separate process on the embedded database, the
 * way a coordinator runs `npm run people -- add ...` before the first start.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthService } from '../auth/service';
import { openStorage } from '../storage';
import { TokenStore } from '../tokens';

const root = fileURLToPath(new URL('../..', import.meta.url));

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/people-cli.ts', ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: '', ASN_PASSWORD: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', fail);
    child.on('exit', (code) => ok({ code, out, err }));
  });
}

describe('people-cli (embedded database)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'asn-people-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('adds a coordinator who can then sign in; refuses a short password in Indonesian; refuses while the database is open', async () => {
    const pw = 'sandi-koordinator-1';
    const added = await run(['add', 'dina', '--role', 'koordinator', '--name', 'Dina <b>Lestari</b>'], { ASN_SERVER_DATA: dir, ASN_PASSWORD: pw });
    expect(added.err).toBe('');
    expect(added.code).toBe(0);
    expect(added.out).toContain('Akun dina (Dina <b>Lestari</b>) dibuat sebagai koordinator.');
    expect(added.out + added.err).not.toContain(pw);

    const short = await run(['add', 'budi', '--role', 'pemantau', '--name', 'Budi'], { ASN_SERVER_DATA: dir, ASN_PASSWORD: 'pendek' });
    expect(short.code).toBe(1);
    expect(short.err).toContain('Kata sandi paling sedikit 10 karakter.');

    const noRole = await run(['add', 'budi', '--name', 'Budi'], { ASN_SERVER_DATA: dir, ASN_PASSWORD: pw });
    expect(noRole.code).toBe(2);
    expect(noRole.err).toContain('Peran harus --role koordinator, pemantau atau auditor.');

    const storage = await openStorage({ dbDir: join(dir, 'db') });
    try {
      const auth = new AuthService(storage.db, { configTokens: new TokenStore([]) });
      expect((await auth.people()).map((p) => [p.username, p.role])).toEqual([['dina', 'coordinator']]);
      expect(await auth.needsBootstrap()).toBe(false);
      expect((await auth.login('dina', pw, '127.0.0.1')).ok).toBe(true);
      // the server (here: this process) holds the embedded database: the tool does not open it too
      const busy = await run(['list'], { ASN_SERVER_DATA: dir });
      expect(busy.code).toBe(1);
      expect(busy.err).toContain('sedang dipakai');
    } finally {
      await storage.close();
    }
    const list = await run(['list'], { ASN_SERVER_DATA: dir });
    expect(list.code).toBe(0);
    expect(list.out).toContain('dina\tDina <b>Lestari</b>\tkoordinator');
  }, 240_000);
});
