/**
 * Canonical JSON: object keys sorted (by UTF-16 code unit, recursively), no whitespace, numbers
 * and strings as JSON.stringify prints them. Two records that differ only in key order or
 * formatting have the same canonical form, so a client that re-serialises a record on retry
 * still gets 200 instead of 409.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const s = JSON.stringify(value);
    // undefined / functions have no JSON form; inside arrays JSON.stringify prints null.
    return s === undefined ? 'null' : s;
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}
