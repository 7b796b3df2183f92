import { describe, expect, it } from 'vitest';
import { evidenceRecordSchema } from '../../lib/record/schema';

describe('schema smoke', () => {
  it('rejects an empty object', () => {
    expect(evidenceRecordSchema.safeParse({}).success).toBe(false);
  });
});
