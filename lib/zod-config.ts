/**
 * zod without its JIT: zod compiles object parsers with the Function constructor (eval), which
 * store reviewers flag and a strict CSP forbids. `jitless` makes every parse interpret the
 * schema; the extension build also drops the now-unreachable compiler (wxt.config.ts, noEval).
 * Imported by every module that defines schemas, before it defines them.
 */
import { z } from 'zod';

z.config({ jitless: true });
