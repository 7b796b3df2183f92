/** zod schemas for every message the background accepts: nothing is trusted before parsing. */
import '../zod-config';
import { z } from 'zod';
import { EMPLOYMENT_TYPES, gestureSchema, VIOLATION_TYPES } from '../record/schema';
import { PICK_FIELDS } from '../messages';

const s = z.string().max(20_000).nullable();
const id = z.uuid();

export const patchSchema = z
  .object({
    subject: z
      .object({
        name: s, accountUrl: s, handle: s, nip: s, agency: s, position: s, rank: s,
        employmentType: z.enum(EMPLOYMENT_TYPES),
      })
      .partial()
      .strict()
      .optional(),
    violation: z
      .object({
        types: z.array(z.enum(VIOLATION_TYPES)).max(VIOLATION_TYPES.length),
        candidate: s, election: s, notes: s,
      })
      .partial()
      .strict()
      .optional(),
    post: z.object({ authorName: s, authorUrl: s, text: s, url: s, id: s }).partial().strict().optional(),
    comment: z.object({ authorName: s, authorUrl: s, text: s, url: s, id: s }).partial().strict().optional(),
  })
  .strict();

const fields = z.record(z.string().max(40), z.string().max(20_000));
/** What the review form typed but did not save yet (lib/record/form-draft.ts). */
export const formDraftSchema = z
  .object({
    form: z.object({
      subject: fields, post: fields, comment: fields,
      types: z.array(z.enum(VIOLATION_TYPES)).max(VIOLATION_TYPES.length),
      candidate: z.string().max(20_000), election: z.string().max(20_000), notes: z.string().max(100_000),
    }).strict(),
    gestures: z.array(gestureSchema).max(50),
    monitor: z.object({ name: z.string().max(500), nip: z.string().max(100), unit: z.string().max(500) }).strict().optional(),
  })
  .strict();

/** Messages a content script (a tab) may send. */
export const fromContentSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('flag-from-page'), targetId: z.string().min(1).max(64) }),
  z.object({
    type: z.literal('pick-result'), recordId: id, field: z.enum(PICK_FIELDS),
    value: z.string().max(20_000).nullable(), path: z.string().max(4000).nullable(),
  }),
]);

/** Messages the extension's own pages may send. */
export const fromPagesSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('flag-active-tab') }),
  z.object({ type: z.literal('get-status') }),
  z.object({ type: z.literal('get-evidence'), id }),
  // amend: true = a correction of a synced record (lib/background/amend.ts); ignored for other states.
  z.object({ type: z.literal('save-evidence'), id, patch: patchSchema, finalize: z.boolean(), amend: z.boolean().optional() }),
  z.object({ type: z.literal('save-form-draft'), id, draft: formDraftSchema.nullable() }),
  z.object({ type: z.literal('sync-now') }),
  z.object({ type: z.literal('pick-start'), id, field: z.enum(PICK_FIELDS) }),
  z.object({ type: z.literal('retry-failed'), ids: z.array(id).max(10_000).optional() }),
]);
