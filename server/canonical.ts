/** Canonical JSON shared with the extension (idempotency, custody hashes, signatures). */
export { canonicalJson } from '../lib/integrity/canonical';
