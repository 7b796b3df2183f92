#!/usr/bin/env node
/**
 * Lints the API description with Redocly CLI, a validator independent of this repo's code:
 *   node scripts/lint-openapi.mjs [file]      (default docs/openapi.yaml)
 * Config: redocly.yaml at the repo root (built-in rules only, nothing fetched). Runs offline:
 * telemetry, the update check and notices are switched off. Exits non-zero when the file does
 * not parse, a $ref (including ./evidence-record.schema.json) does not resolve, or any rule
 * reports an error; warnings are printed but do not fail.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const target = resolve(process.argv[2] ?? join(root, 'docs', 'openapi.yaml'));
const config = join(root, 'redocly.yaml');

const pkgDir = join(root, 'node_modules', '@redocly', 'cli');
if (!existsSync(join(pkgDir, 'package.json'))) {
  console.error('lint-openapi: @redocly/cli is not installed (npm install)');
  process.exit(2);
}
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
const bin = join(pkgDir, typeof pkg.bin === 'string' ? pkg.bin : pkg.bin.redocly);

const run = spawnSync(
  process.execPath,
  [bin, 'lint', relative(root, target), '--config', relative(root, config), '--format', 'stylish'],
  {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      REDOCLY_TELEMETRY: 'off',
      REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
      REDOCLY_SUPPRESS_NOTIFICATIONS: 'true',
      DO_NOT_TRACK: '1',
    },
  },
);
if (run.error) {
  console.error(`lint-openapi: cannot run redocly: ${run.error.message}`);
  process.exit(2);
}
if (run.status !== 0) {
  console.error(`lint-openapi: ${relative(root, target)} FAILED (redocly exit ${run.status ?? run.signal})`);
  process.exit(1);
}
console.log(`lint-openapi: ${relative(root, target)} OK`);
