#!/usr/bin/env node
// asn-evidence verify <bundle.zip> [--lang id|en] [--json]
// The verifier itself is lib/export/*.ts, bundled into ./verify.bundle.mjs by
// `node scripts/build-cli.mjs`, so this runs with plain `node`.
let mod;
try {
  mod = await import('./verify.bundle.mjs');
} catch (err) {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('verify.bundle.mjs')) {
    console.error('asn-evidence: the verifier is not built yet; run: node scripts/build-cli.mjs');
    process.exit(2);
  }
  throw err;
}
process.exitCode = await mod.main(process.argv.slice(2));
