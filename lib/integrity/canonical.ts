/**
 * Canonical JSON: object keys sorted (by UTF-16 code unit, recursively), no whitespace, numbers
 * and strings as JSON.stringify prints them; `undefined` members dropped. Used for the server's
 * idempotency check, custody-log hashes and capture signatures, so all three agree byte for byte.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const s = JSON.stringify(value);
    return s === undefined ? 'null' : s;
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}
