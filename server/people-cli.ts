/**
 * Workspace accounts from the server's console (docs/workspace.md "Sign-in and sessions"):
 *   npm run people -- add <username> --role coordinator --name "Nama Lengkap" [--monitor "Nama pemantau"]
 *   npm run people -- password <username>
 *   npm run people -- disable <username>
 *   npm run people -- list
 * The password comes from ASN_PASSWORD or is asked for (not shown while typed). The database is
 * the server's: DATABASE_URL (PostgreSQL) or the embedded one under ASN_SERVER_DATA (default
 * server/data); with the embedded one, stop the server first (one process per database folder).
 * Messages are in Indonesian: the people running this are the team's coordinators.
 */
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { AuthService } from './auth/service';
import { AuthError, MIN_PASSWORD_LENGTH } from './auth/types';
import { openStorage } from './storage';
import { TokenStore, type Role } from './tokens';

/** The same folder as app.ts DEFAULT_DATA_DIR (not imported: that would load the whole HTTP server). */
const DEFAULT_DATA_DIR = fileURLToPath(new URL('./data', import.meta.url));

const ROLE_WORDS: Record<string, Role> = {
  coordinator: 'coordinator', koordinator: 'coordinator',
  monitor: 'monitor', pemantau: 'monitor',
  auditor: 'auditor',
};
const ROLE_NAMES: Record<Role, string> = { coordinator: 'koordinator', monitor: 'pemantau', auditor: 'auditor' };

const USAGE = `Cara pakai:
  npm run people -- add <nama-pengguna> --role koordinator|pemantau|auditor --name "Nama Lengkap" [--monitor "Nama pemantau"]
  npm run people -- password <nama-pengguna>
  npm run people -- disable <nama-pengguna>
  npm run people -- list
Kata sandi diambil dari ASN_PASSWORD, atau ditanyakan (tidak tampil saat diketik).
Basis data: DATABASE_URL (PostgreSQL) atau basis data bawaan di ASN_SERVER_DATA (bawaan: server/data).`;

class UsageError extends Error {}

function parseArgs(argv: string[]): { command: string; positional: string[]; flags: Map<string, string | true> } {
  const [command = '', ...rest] = argv;
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
      else if (a === '--paksa' || a === '--force') flags.set('paksa', true);
      else {
        const v = rest[i + 1];
        if (v === undefined || v.startsWith('--')) throw new UsageError(`Pilihan ${a} perlu isian.`);
        flags.set(a.slice(2), v);
        i++;
      }
    } else positional.push(a);
  }
  return { command, positional, flags };
}

/** Reads one line from stdin; on a terminal nothing typed is shown. */
function ask(question: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const tty = process.stdin.isTTY === true;
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: tty });
    if (tty) {
      // Show the question, then hide what is typed.
      const out = rl as unknown as { _writeToOutput: (s: string) => void };
      process.stdout.write(question);
      out._writeToOutput = () => {};
    } else {
      process.stdout.write(question);
    }
    let answered = false;
    rl.once('line', (line) => {
      answered = true;
      process.stdout.write('\n');
      rl.close();
      resolvePromise(line);
    });
    rl.once('close', () => {
      if (!answered) reject(new UsageError('Kata sandi tidak diberikan.'));
    });
  });
}

async function readPassword(): Promise<string> {
  const fromEnv = process.env.ASN_PASSWORD;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const first = await ask(`Kata sandi (paling sedikit ${MIN_PASSWORD_LENGTH} karakter): `);
  if (process.stdin.isTTY) {
    const again = await ask('Ulangi kata sandi: ');
    if (again !== first) throw new UsageError('Kedua kata sandi tidak sama. Tidak ada yang diubah.');
  }
  return first;
}

function actor(): string {
  try {
    return `konsol:${userInfo().username}`;
  } catch {
    return 'konsol';
  }
}

async function main(): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    console.error(USAGE);
    return 2;
  }
  const { command, positional, flags } = args;
  if (!['add', 'password', 'disable', 'list'].includes(command)) {
    console.error(command ? `Perintah tidak dikenal: ${command}` : 'Perintah belum diberikan.');
    console.error(USAGE);
    return 2;
  }
  const username = positional[0] ?? '';
  if (command !== 'list' && !username) {
    console.error('Nama pengguna belum diberikan.');
    console.error(USAGE);
    return 2;
  }
  let role: Role | undefined;
  let displayName = '';
  if (command === 'add') {
    const roleWord = String(flags.get('role') ?? '').toLowerCase();
    role = ROLE_WORDS[roleWord];
    if (!role) {
      console.error('Peran harus --role koordinator, pemantau atau auditor.');
      return 2;
    }
    displayName = String(flags.get('name') ?? flags.get('nama') ?? '');
    if (!displayName.trim()) {
      console.error('Nama lengkap belum diberikan: --name "Nama Lengkap".');
      return 2;
    }
  }

  const env = process.env;
  const databaseUrl = env.DATABASE_URL || null;
  const dbDir = join(resolve(env.ASN_SERVER_DATA || DEFAULT_DATA_DIR), 'db');
  if (!databaseUrl && existsSync(join(dbDir, 'postmaster.pid')) && flags.get('paksa') !== true) {
    console.error(`Basis data bawaan di ${dbDir} sedang dipakai (server masih berjalan?).`);
    console.error('Hentikan server dulu, lalu ulangi. Bila server pasti tidak berjalan (mati mendadak), ulangi dengan --paksa.');
    return 1;
  }
  // Ask for the password before opening the database (a prompt must not hold it open).
  const password = command === 'add' || command === 'password' ? await readPassword() : '';

  const storage = await openStorage({ databaseUrl, dbDir });
  try {
    const auth = new AuthService(storage.db, { configTokens: new TokenStore([]) });
    const by = actor();
    if (command === 'add') {
      const monitor = flags.get('monitor');
      const p = await auth.addPerson(
        { username, displayName, role: role!, monitor: typeof monitor === 'string' ? monitor : null, password }, by,
      );
      console.log(`Akun ${p.username} (${p.displayName}) dibuat sebagai ${ROLE_NAMES[p.role]}${p.monitor ? `, nama pemantau "${p.monitor}"` : ''}.`);
    } else if (command === 'password') {
      await auth.setPassword(username, password, by);
      console.log(`Kata sandi ${username} diganti. Semua sesi masuknya sudah diakhiri.`);
    } else if (command === 'disable') {
      await auth.disablePerson(username, by);
      console.log(`Akun ${username} dinonaktifkan. Semua sesi masuknya sudah diakhiri.`);
    } else {
      const people = await auth.people();
      if (people.length === 0) console.log('Belum ada akun.');
      for (const p of people) {
        console.log(`${p.username}\t${p.displayName}\t${ROLE_NAMES[p.role]}${p.monitor ? ` (${p.monitor})` : ''}${p.disabledAt ? '\tnonaktif' : ''}`);
      }
    }
    return 0;
  } catch (e) {
    if (e instanceof AuthError || e instanceof UsageError) {
      console.error(e.message);
      return 1;
    }
    throw e;
  } finally {
    await storage.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof UsageError ? e.message : `Gagal: ${(e as Error)?.message ?? String(e)}`);
    process.exit(1);
  },
);
