#!/usr/bin/env node
// The content script runs on every Facebook/Instagram/TikTok page the monitor opens: keep its
// eager bundle small (<= 30 KB gzip) and free of zod and html2canvas. Prints the sizes.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const BUDGET = 30 * 1024;
const builds = ['.output/chrome-mv3', '.output/firefox-mv2'].filter((d) => existsSync(d));
if (builds.length === 0) {
  console.error('no build found: run `npm run build` first');
  process.exit(2);
}
let failed = false;
for (const dir of builds) {
  const csDir = join(dir, 'content-scripts');
  for (const f of readdirSync(csDir).filter((n) => n.endsWith('.js'))) {
    const buf = readFileSync(join(csDir, f));
    const gz = gzipSync(buf, { level: 9 }).length;
    const text = buf.toString('utf8');
    const heavy = [
      ['zod', /ZodError|\$ZodType|zod\.dev/],
      ['html2canvas', /html2canvas/i],
    ].filter(([, re]) => re.test(text)).map(([n]) => n);
    const ok = gz <= BUDGET && heavy.length === 0;
    failed ||= !ok;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${join(csDir, f)}: ${(buf.length / 1024).toFixed(1)} KB raw, ${(gz / 1024).toFixed(1)} KB gzip (budget ${BUDGET / 1024} KB)${heavy.length ? `; contains ${heavy.join(', ')}` : ''}`);
  }
}
process.exit(failed ? 1 : 0);
