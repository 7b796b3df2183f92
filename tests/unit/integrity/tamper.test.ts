/**
 * The tamper suite (issue: integrity an outsider can check). One realistic bundle, written by the
 * exporter the way the extension writes it (signed capture, signed custody with an edit and a
 * server receipt, signed bundle), and forgeries of it made the way a forger would: edit the JSON,
 * recompute SHA256SUMS, optionally re-sign what the forger can sign with their own key. Every
 * forgery must be refused by all three verifiers: the library the extension's verify/import
 * screen runs (verifyBundle), the CLI as users get it, and the independent Python verifier
 * (tools/verify_bundle.py, written from docs/integrity.md). The intact bundle and the 0.1.0
 * fixtures must pass all three.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleToBytes, type BundleItem } from '../../../lib/export/bundle';
import { verifyBundle } from '../../../lib/export/verify';
import { attest } from '../../../lib/integrity/attestation';
import { appendCustody, appendSignedCustody, custodyHash, type CustodyLink } from '../../../lib/integrity/custody';
import { generateSigningKey, signText, signerOf, type SigningKey } from '../../../lib/integrity/keys';
import { capturedSha256, makeReceipt, serverKeyJwk } from '../../../lib/integrity/receipt';
import { applyPatch } from '../../../lib/record/edit';
import { CREATED_BY } from '../export/helpers';
import { makeItem, sha256 } from '../export/make-record';

const root = resolve(__dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'asn-tamper-'));
const PY = join(root, 'tools/verify_bundle.py');
const CREATED_AT = '2024-09-14T01:00:00.000Z';

let monitorKey: SigningKey, forgerKey: SigningKey, serverKey: SigningKey;
let intact: Uint8Array;
let serverKeyFile = '';
let ids: string[] = [];

type Files = Record<string, Uint8Array>;
type Manifest = { createdAt: string; createdBy: { name: string | null }; records: Record<string, unknown>[]; custody: (CustodyLink & { recordId: string })[]; keys?: unknown[] };

/** What the extension does: capture (signed), edit (signed entry), save, sync with a server receipt. */
async function realItem(seed: number, edit: boolean, synced: boolean): Promise<BundleItem> {
  const base = makeItem({}, seed);
  const captured = { ...base.record };
  captured.attestation = await attest(captured, monitorKey, new Date(captured.capturedAt));
  let record = captured;
  let log = await appendSignedCustody<CustodyLink>(record.id, [], [{ at: record.capturedAt, action: 'capture', actor: 'Siti Aminah', details: { sha256: record.screenshot.sha256 } }], monitorKey);
  if (edit) {
    const { record: next, changes } = applyPatch(record, { subject: { nip: '198501012010011999', name: 'Budi Santoso, S.Pd.' } });
    record = next;
    log = await appendSignedCustody(record.id, log, [{ at: '2024-09-13T03:00:00.000Z', action: 'edit', actor: 'Siti Aminah', details: { changes } }], monitorKey);
  }
  log = await appendSignedCustody(record.id, log, [{ at: '2024-09-13T03:01:00.000Z', action: 'save', actor: 'Siti Aminah' }], monitorKey);
  if (synced) {
    const receipt = await makeReceipt({
      type: 'asn-evidence-receipt', v: 1, recordId: record.id, capturedSha256: capturedSha256(record.attestation!.payload),
      screenshotSha256: record.screenshot.sha256, fullSha256: null, sourceSha256: null,
      custodyHead: log.at(-1)!.hash!, custodyLength: log.length, installationKeyId: monitorKey.keyId, uploaderKeyId: monitorKey.keyId,
      monitor: 'siti', receivedAt: '2024-09-13T03:02:00.000Z', serverKeyId: serverKey.keyId,
    }, signerOf(serverKey));
    log = await appendSignedCustody(record.id, log, [{ at: '2024-09-13T03:02:01.000Z', action: 'sync', actor: 'Siti Aminah', details: { id: record.id, receivedAt: '2024-09-13T03:02:00.000Z', sha256: record.screenshot.sha256, httpStatus: 201, receipt } }], monitorKey);
  }
  return { record, screenshot: base.screenshot, custody: log as BundleItem['custody'] };
}

function rezip(files: Files): Uint8Array {
  const z: Zippable = {};
  for (const [k, v] of Object.entries(files)) z[k] = [v, { level: 0 }];
  return zipSync(z);
}

/** The forger's routine: change manifest.json (and record.json to match), recompute SHA256SUMS, re-sign the bundle with `resignWith` if given. */
async function forge(change: (m: Manifest, files: Files) => void | Promise<void>, opts: { resignWith?: SigningKey; dropSignature?: boolean } = {}): Promise<Uint8Array> {
  const files = unzipSync(intact);
  const m = JSON.parse(strFromU8(files['manifest.json']!)) as Manifest;
  await change(m, files);
  files['manifest.json'] = strToU8(JSON.stringify(m, null, 2) + '\n');
  for (const r of m.records) files[`evidence/${String(r.id)}/record.json`] = strToU8(JSON.stringify(r, null, 2) + '\n');
  const names = Object.keys(files).filter((n) => n !== 'SHA256SUMS' && n !== 'signature.json');
  const sums = names.map((n) => `${sha256(files[n]!)}  ${n}\n`).join('');
  files.SHA256SUMS = strToU8(sums);
  if (opts.dropSignature) delete files['signature.json'];
  else if (opts.resignWith) {
    const sig = JSON.parse(strFromU8(files['signature.json']!)) as Record<string, unknown>;
    Object.assign(sig, { keyId: opts.resignWith.keyId, publicKey: opts.resignWith.publicKey, signedSha256: sha256(strToU8(sums)), signature: await signText(opts.resignWith, sums) });
    files['signature.json'] = strToU8(JSON.stringify(sig, null, 2) + '\n');
  }
  return rezip(files);
}

const logOf = (m: Manifest, id: string) => m.custody.filter((c) => c.recordId === id);
const recordOf = (m: Manifest, id: string) => m.records.find((r) => r.id === id) as Record<string, any>;

/** Re-sign a record's whole log with `key` (what someone holding another key could do). */
async function resignLog(m: Manifest, id: string, key: SigningKey, tweak?: (e: CustodyLink) => void): Promise<void> {
  const old = logOf(m, id);
  const entries = old.map(({ recordId: _r, prevHash: _p, hash: _h, keyId: _k, sig: _s, ...e }) => e as CustodyLink);
  entries.forEach((e) => tweak?.(e));
  const next = await appendSignedCustody(id, [], entries, key);
  m.custody = [...m.custody.filter((c) => c.recordId !== id), ...next.map((e) => ({ ...e, recordId: id }))];
}

beforeAll(async () => {
  [monitorKey, forgerKey, serverKey] = await Promise.all([generateSigningKey(), generateSigningKey(), generateSigningKey()]);
  const items = [await realItem(1, true, true), await realItem(2, false, true), await realItem(3, true, false)];
  ids = items.map((i) => i.record.id);
  ({ bytes: intact } = await bundleToBytes({ items, createdBy: CREATED_BY, extensionVersion: '0.2.0', createdAt: CREATED_AT, signer: signerOf(monitorKey) }));
  execFileSync(process.execPath, [join(root, 'scripts/build-cli.mjs'), '--outdir', dir], { stdio: 'pipe' });
  copyFileSync(join(root, 'bin/asn-evidence.mjs'), join(dir, 'asn-evidence.mjs'));
  serverKeyFile = join(dir, 'server-key.json');
  writeFileSync(serverKeyFile, JSON.stringify({ serverKey: serverKeyJwk(serverKey.publicKey) }));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Verdicts { lib: { ok: boolean; codes: string[]; text: string }; cli: { status: number | null; out: string }; py: { status: number | null; out: string } }

async function verifyAll(bytes: Uint8Array, name: string, trusted = true): Promise<Verdicts> {
  const file = join(dir, `${name}.zip`);
  writeFileSync(file, bytes);
  const r = await verifyBundle(bytes, { trustedServerKeys: trusted ? [serverKey.keyId] : [] });
  const keyArgs = trusted ? ['--server-key', serverKeyFile] : [];
  const cli = spawnSync(process.execPath, [join(dir, 'asn-evidence.mjs'), 'verify', file, '--lang', 'en', ...keyArgs], { encoding: 'utf8' });
  const py = spawnSync('python3', [PY, file, ...keyArgs], { encoding: 'utf8' });
  return {
    lib: { ok: r.ok, codes: r.problems.map((p) => p.code), text: r.problems.map((p) => p.message).join('\n') },
    cli: { status: cli.status, out: cli.stdout + cli.stderr },
    py: { status: py.status, out: py.stdout + py.stderr },
  };
}

function expectRefused(v: Verdicts, code: RegExp, names: string[]): void {
  expect(v.lib.ok, v.lib.text).toBe(false);
  expect(v.lib.codes.some((c) => code.test(c)), `codes: ${v.lib.codes.join(', ')}`).toBe(true);
  expect(v.cli.status, v.cli.out).toBe(1);
  expect(v.cli.out).toContain('RESULT: bundle INVALID');
  expect(v.py.status, v.py.out).toBe(1);
  expect(v.py.out).toMatch(/RESULT: INVALID/);
  for (const n of names) {
    expect(v.lib.text).toContain(n);
    expect(v.cli.out).toContain(n);
    expect(v.py.out).toContain(n);
  }
}

describe('tamper suite: the extension library, the CLI and the Python verifier agree', () => {
  it('the intact bundle passes all three, and with the trusted server key names monitor, installation and receipt time', async () => {
    const v = await verifyAll(intact, 'intact');
    expect(v.lib.ok, v.lib.text).toBe(true);
    expect(v.cli.status, v.cli.out).toBe(0);
    expect(v.py.status, v.py.out).toBe(0);
    expect(v.cli.out).toContain(`received by server ${serverKey.keyId.slice(0, 16)} at 2024-09-13T03:02:00.000Z from monitor siti, installation ${monitorKey.keyId.slice(0, 16)} (trusted server key)`);
    expect(v.cli.out).toContain('changed by the monitor after capture: subject.nip: "198501012010011001" -> "198501012010011999"');
    // The printed report says what is proven, per record: signature, device, server receipt, and
    // the monitor's changes with the captured values.
    const report = strFromU8(unzipSync(intact)['report.html']!).replace(/<[^>]+>/g, ' ').replace(/&quot;/g, '"').replace(/\s+/g, ' ');
    expect(report).toContain('Yang terbukti');
    expect(report).toContain('NIP: semula "198501012010011001" , menjadi "198501012010011999" (oleh Siti Aminah)');
    expect(report).toContain('dari pengawas siti');
    expect(report).toContain(`Perangkat (instalasi) penanda tangan ${monitorKey.keyId.slice(0, 16)}`);
    expect(report).toContain('belum ada tanda terima server');
    const untrusted = await verifyAll(intact, 'intact-untrusted', false);
    expect(untrusted.cli.status).toBe(0);
    expect(untrusted.cli.out).toContain('rest on this bundle alone');
    expect(untrusted.cli.out).toContain('server key NOT confirmed as trusted');
  });

  it('intact 0.1.0 bundles keep verifying in all three', async () => {
    const fx = join(root, 'tests/fixtures/bundles/v0.1.0');
    const zips = readdirSync(fx).filter((f) => f.endsWith('.zip'));
    expect(zips.length).toBeGreaterThanOrEqual(2);
    for (const z of zips) {
      const v = await verifyAll(new Uint8Array(readFileSync(join(fx, z))), `legacy-${z}`, false);
      expect(v.lib.ok, `${z}: ${v.lib.text}`).toBe(true);
      expect(v.cli.status, v.cli.out).toBe(0);
      expect(v.cli.out).toContain('A 0.1.0 bundle');
      expect(v.py.status, v.py.out).toBe(0);
    }
  });

  it('a subject name and NIP changed after signing, with no edit in the log (sums recomputed; bundle kept or re-signed by the forger)', async () => {
    const change = (m: Manifest) => {
      const r = recordOf(m, ids[1]!);
      r.subject.name = 'Orang Lain';
      r.subject.nip = '199912312020121001';
    };
    expectRefused(await verifyAll(await forge(change), 'nip-kept-sig'), /content_differs|bundle_signature_invalid/, [ids[1]!]);
    const v = await verifyAll(await forge(change, { resignWith: forgerKey }), 'nip-resigned');
    expectRefused(v, /content_differs/, [ids[1]!, 'subject.nip']);
  });

  it('the same with its signature removed (downgrade to an unsigned record)', async () => {
    const v = await verifyAll(await forge((m) => {
      const r = recordOf(m, ids[1]!);
      r.subject.nip = '199912312020121001';
      delete r.attestation;
    }, { resignWith: forgerKey }), 'unsigned');
    expectRefused(v, /unsigned/, [ids[1]!]);
  });

  it('a record re-signed with a different key than the other records of the bundle', async () => {
    const v = await verifyAll(await forge(async (m) => {
      const r = recordOf(m, ids[1]!);
      r.subject.nip = '199912312020121001';
      const { attestation: _a, ...rest } = r;
      r.attestation = await attest(rest, forgerKey, new Date(String(r.capturedAt)));
      await resignLog(m, ids[1]!, forgerKey);
    }, { resignWith: forgerKey }), 'resigned-record');
    expectRefused(v, /custody_foreign_key|receipt_mismatch/, [ids[0]!]);
  });

  it('a custody log with its hashes stripped, and one rewritten with recomputed (unsigned) hashes', async () => {
    expectRefused(await verifyAll(await forge((m) => {
      for (const e of logOf(m, ids[0]!)) { delete e.hash; delete e.prevHash; delete e.keyId; delete e.sig; }
    }, { resignWith: forgerKey }), 'stripped'), /custody_broken/, [ids[0]!]);
    expectRefused(await verifyAll(await forge((m) => {
      const entries = logOf(m, ids[0]!).map(({ recordId: _r, prevHash: _p, hash: _h, keyId: _k, sig: _s, ...e }) => e as CustodyLink);
      entries.splice(1, 1); // the edit disappears from history
      const relinked = entries.reduce<CustodyLink[]>((log, e) => appendCustody(ids[0]!, log, e), []);
      m.custody = [...m.custody.filter((c) => c.recordId !== ids[0]), ...relinked.map((e) => ({ ...e, recordId: ids[0]! }))];
    }, { dropSignature: true }), 'rewritten'), /custody_broken|bundle_unsigned/, [ids[0]!]);
  });

  it('a custody entry appended with recomputed hashes', async () => {
    expectRefused(await verifyAll(await forge((m) => {
      const log = logOf(m, ids[2]!);
      const last = log.at(-1)!;
      const extra: CustodyLink & { recordId: string } = { recordId: ids[2]!, at: '2024-09-15T00:00:00.000Z', action: 'save', actor: 'Forger', prevHash: last.hash!, keyId: monitorKey.keyId, sig: last.sig };
      extra.hash = custodyHash(ids[2]!, extra, last.hash!);
      m.custody.push(extra);
    }), 'appended'), /custody_broken|bundle_signature_invalid/, [ids[2]!]);
  });

  it('forged manifest metadata (who exported, when)', async () => {
    const change = (m: Manifest) => { m.createdBy.name = 'Kepala Dinas'; m.createdAt = '2024-09-20T01:00:00.000Z'; };
    expectRefused(await verifyAll(await forge(change), 'meta'), /bundle_signature_invalid/, []);
    expectRefused(await verifyAll(await forge(change, { resignWith: forgerKey }), 'meta-resigned'), /manifest_forged|custody_foreign_key/, []);
  });

  it('a forged receipt, and a genuine receipt of another record', async () => {
    expectRefused(await verifyAll(await forge(async (m) => {
      await resignLog(m, ids[0]!, monitorKey, (e) => {
        const d = e.details as { receipt?: { payload: string } } | undefined;
        if (d?.receipt) d.receipt = { ...d.receipt, payload: d.receipt.payload.replace('2024-09-13T03:02:00.000Z', '2024-09-12T00:00:00.000Z') };
      });
    }, { resignWith: monitorKey }), 'forged-receipt'), /receipt_invalid/, [ids[0]!]);
    // The monitor (who holds the installation key) swaps in record 2's genuine receipt.
    const files = unzipSync(intact);
    const m0 = JSON.parse(strFromU8(files['manifest.json']!)) as Manifest;
    const other = (logOf(m0, ids[1]!).find((e) => e.action === 'sync')!.details as { receipt: unknown }).receipt;
    expectRefused(await verifyAll(await forge(async (m) => {
      await resignLog(m, ids[0]!, monitorKey, (e) => {
        const d = e.details as { receipt?: unknown } | undefined;
        if (d?.receipt) d.receipt = other;
      });
    }, { resignWith: monitorKey }), 'other-receipt'), /receipt_mismatch/, [ids[0]!]);
  });

  it('a downgrade: signature.json removed and the custody signatures stripped with recomputed hashes', async () => {
    expectRefused(await verifyAll(await forge((m) => {
      for (const id of ids) {
        const entries = logOf(m, id).map(({ recordId: _r, prevHash: _p, hash: _h, keyId: _k, sig: _s, ...e }) => e as CustodyLink);
        const relinked = entries.reduce<CustodyLink[]>((log, e) => appendCustody(id, log, e), []);
        m.custody = [...m.custody.filter((c) => c.recordId !== id), ...relinked.map((e) => ({ ...e, recordId: id }))];
      }
      delete m.keys;
    }, { dropSignature: true }), 'downgrade'), /custody_broken|bundle_unsigned/, [ids[0]!]);
  });
});
