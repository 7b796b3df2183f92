/**
 * Checks on JSON the server received, before anything walks it recursively or stores it:
 *  - `unknownFields`: members the record schema does not know (zod strips them silently; the
 *    server refuses them instead, 422 `unknown_fields`: nothing unchecked is stored or signed for);
 *  - `shapeProblem`: nesting deeper than a limit (JSON.stringify and recursive walkers overflow the
 *    stack somewhere past a few thousand levels: a 500, or a crash) and strings that are not
 *    well-formed Unicode (lone surrogates: not I-JSON, the canonical JSON of signatures refuses them).
 *  - `depthProblem`: only the nesting, checked on JSON as parsed, before the schema or anything
 *    else looks at it: the server answers 400 `json_too_deep` (malformed input, like bad JSON).
 * All are iterative and never recurse on the input.
 */

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A dot path; array indexes as numbers (`violation.gestures.0.box`). */
const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/**
 * Paths present in `raw` (the JSON as received) but not in `known` (what the schema parsed from
 * it, unknown members stripped). Only members both have are descended into, so the walk is as
 * deep as the schema, never as deep as the input. Returns at most `max` paths and the total count.
 */
export function unknownFields(raw: unknown, known: unknown, max = 5): { paths: string[]; count: number } {
  const paths: string[] = [];
  let count = 0;
  const stack: [unknown, unknown, string][] = [[raw, known, '']];
  while (stack.length) {
    const [r, k, path] = stack.pop()!;
    if (Array.isArray(r) && Array.isArray(k)) {
      for (let i = r.length - 1; i >= 0; i--) stack.push([r[i], k[i], join(path, String(i))]);
    } else if (isObject(r) && isObject(k)) {
      const keys = Object.keys(r);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i]!;
        if (!hasOwn(k, key)) {
          count++;
          if (paths.length < max) paths.push(join(path, key));
        } else stack.push([r[key], k[key], join(path, key)]);
      }
    }
  }
  return { paths, count };
}

/** null when `value` nests at most `maxDepth` containers deep and all its strings are well-formed; else why not. */
export function shapeProblem(value: unknown, maxDepth: number): string | null {
  const stack: [unknown, number, string][] = [[value, 0, '']];
  while (stack.length) {
    const [v, depth, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (!v.isWellFormed()) return `${path || '(top)'}: not well-formed Unicode (a lone surrogate)`;
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= maxDepth) return `${path || '(top)'}: nested deeper than ${maxDepth} levels`;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], depth + 1, join(path, String(i))]);
    } else {
      for (const key of Object.keys(v)) {
        if (!key.isWellFormed()) return `${path || '(top)'}: a member name is not well-formed Unicode (a lone surrogate)`;
        stack.push([(v as Record<string, unknown>)[key], depth + 1, join(path, key)]);
      }
    }
  }
  return null;
}

/** null when `value` nests at most `maxDepth` containers deep; else where it goes deeper. Iterative. */
export function depthProblem(value: unknown, maxDepth: number): string | null {
  const stack: [unknown, number, string][] = [[value, 0, '']];
  while (stack.length) {
    const [v, depth, path] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= maxDepth) return `${path || '(top)'}: nested deeper than ${maxDepth} levels`;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], depth + 1, join(path, String(i))]);
    } else {
      for (const key of Object.keys(v)) stack.push([(v as Record<string, unknown>)[key], depth + 1, join(path, key)]);
    }
  }
  return null;
}
