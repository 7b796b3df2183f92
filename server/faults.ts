/**
 * Fault injection for end-to-end tests of the extension's retry logic. Only reachable when the
 * server was started with `testHooks: true` (startServer option, or ASN_SERVER_TEST_HOOKS=1 for
 * the CLI); the default CLI never enables it. Each POST /v1/evidence consumes one count from the
 * first fault in the list; a fault whose count reaches 0 is dropped.
 */
export type FaultSpec =
  /** Answer `status` (default 500) with a JSON error. afterStore: store first, then fail (lost reply). */
  | { type: 'status'; status?: number; retryAfter?: string; count?: number; afterStore?: boolean }
  /** Answer 201 with a body that is not JSON. Stores first unless afterStore is false. */
  | { type: 'garbageJson'; count?: number; afterStore?: boolean }
  /** Never answer (until `ms` elapses or the server closes); nothing is stored. */
  | { type: 'hang'; count?: number; ms?: number }
  /** Store, then answer 200/201 with a receipt whose sha256 is wrong. */
  | { type: 'wrongSha256'; count?: number };

export type ActiveFault = FaultSpec & { remaining: number };

const TYPES = new Set(['status', 'garbageJson', 'hang', 'wrongSha256']);

export function validateFaults(input: unknown): FaultSpec[] {
  const list = Array.isArray(input)
    ? input
    : input && typeof input === 'object' && Array.isArray((input as { faults?: unknown }).faults)
      ? (input as { faults: unknown[] }).faults
      : null;
  if (!list) throw new Error('expected [faults...] or {"faults": [...]}');
  return list.map((f, i) => {
    if (!f || typeof f !== 'object' || !TYPES.has((f as { type?: string }).type ?? '')) {
      throw new Error(`fault ${i}: type must be one of ${[...TYPES].join(', ')}`);
    }
    const count = (f as { count?: unknown }).count;
    if (count !== undefined && (!Number.isInteger(count) || (count as number) < 1)) {
      throw new Error(`fault ${i}: count must be a positive integer`);
    }
    const status = (f as { status?: unknown }).status;
    if (status !== undefined && (!Number.isInteger(status) || (status as number) < 100 || (status as number) > 599)) {
      throw new Error(`fault ${i}: status must be an HTTP status code`);
    }
    return f as FaultSpec;
  });
}

export class FaultQueue {
  private active: ActiveFault[] = [];

  set(faults: FaultSpec[]): void {
    this.active = faults.map((f) => ({ ...f, remaining: f.count ?? 1 }));
  }

  list(): ActiveFault[] {
    return this.active.map((f) => ({ ...f }));
  }

  /** Takes the next fault for one POST, or null. */
  take(): FaultSpec | null {
    const head = this.active[0];
    if (!head) return null;
    head.remaining -= 1;
    if (head.remaining <= 0) this.active.shift();
    const { remaining: _r, ...spec } = head;
    return spec as FaultSpec;
  }
}
