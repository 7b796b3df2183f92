#!/usr/bin/env node
// `web-ext lint` on the Firefox build: zero errors and zero eval warnings (DANGEROUS_EVAL: store
// reviewers ask about them; zod runs jitless and its compiler is removed, wxt.config.ts) required;
// other warnings are listed.
import { execFileSync } from 'node:child_process';

const dir = process.argv[2] ?? '.output/firefox-mv2';
let out;
try {
  out = execFileSync('npx', ['web-ext', 'lint', '--source-dir', dir, '--output', 'json', '--no-input'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
} catch (e) {
  out = e.stdout; // web-ext exits non-zero when it finds errors
}
const report = JSON.parse(out.slice(out.indexOf('{')));
for (const kind of ['errors', 'warnings', 'notices']) {
  for (const m of report[kind]) console.log(`${kind.slice(0, -1)}: ${m.code} ${m.file ?? ''} ${m.message}`);
}
console.log(`web-ext lint ${dir}: ${report.summary.errors} errors, ${report.summary.warnings} warnings, ${report.summary.notices} notices`);
const evals = report.warnings.filter((m) => m.code === 'DANGEROUS_EVAL');
if (evals.length) console.log(`web-ext lint: ${evals.length} eval warning(s): the bundle must not contain eval-capable code`);
process.exit(report.summary.errors === 0 && evals.length === 0 ? 0 : 1);
