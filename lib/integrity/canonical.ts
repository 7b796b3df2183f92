/**
 * Canonical JSON: RFC 8785 (JSON Canonicalization Scheme) through the `canonicalize` package:
 * object keys sorted by UTF-16 code units, no whitespace, strings and numbers as ECMAScript's
 * JSON.stringify prints them, `undefined` members dropped. Lone surrogates are not I-JSON and are
 * refused (the package throws); records are made well-formed before they are signed
 * (lib/record/sanitize.ts). Used for capture signatures, custody-log hashes, receipts and the
 * server's idempotency check, so all of them agree byte for byte (docs/integrity.md).
 */
import canonicalize from 'canonicalize';

export function canonicalJson(value: unknown): string {
  const out = canonicalize(value);
  return out === undefined ? 'null' : out;
}
