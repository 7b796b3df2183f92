/**
 * The evidence record, schemaVersion 1 (../shared/docs/contracts.md section 1).
 * Field names are a public contract: receiving offices and auditors rely on them.
 * Imported by the background, the extension pages, the reference backend and the verifier;
 * never by the content script (zod is ~95 KB gzip), which only uses the inferred types.
 */
import '../zod-config';
import { z } from 'zod';
import { SOURCE_MAX_BYTES } from './source';

export const PLATFORMS = ['facebook', 'instagram', 'tiktok', 'other'] as const;
export const KINDS = ['post', 'comment', 'reply', 'reaction', 'profile', 'page'] as const;
export const REACTION_TYPES = ['like', 'love', 'care', 'haha', 'wow', 'sad', 'angry', 'unknown'] as const;
export const EMPLOYMENT_TYPES = ['PNS', 'PPPK', 'PTT', 'other', 'unknown'] as const;
export const VIOLATION_TYPES = [
  'like', 'reaction', 'comment', 'share', 'post', 'gesture', 'photo_with_candidate',
  'campaign_attribute', 'profile_picture', 'follow', 'other',
] as const;
export const GESTURE_TYPES = [
  'thumb_up', 'one_finger', 'two_fingers', 'three_fingers', 'four_fingers', 'v_sign',
  'finger_heart', 'finger_gun', 'phone', 'metal', 'ok', 'other',
] as const;
export const FIELD_SOURCES = ['url', 'json', 'dom', 'heuristic', 'user'] as const;
export const MEDIA_TYPES = ['text', 'photo', 'video', 'reel', 'carousel', 'link', 'unknown'] as const;

const str = z.string().max(100_000);
const nstr = str.nullable();
const isoInstant = z.iso.datetime({ offset: false, precision: undefined });
const httpUrl = z
  .string()
  .max(8192)
  .refine((u) => /^https?:\/\//i.test(u), { message: 'must be an http(s) URL' });

export const boxSchema = z.object({
  x: z.number().finite().min(0),
  y: z.number().finite().min(0),
  width: z.number().finite().positive(),
  height: z.number().finite().positive(),
});

export const postSchema = z.object({
  id: nstr,
  url: httpUrl.nullable(),
  authorName: nstr,
  authorUrl: httpUrl.nullable(),
  text: nstr,
  postedAt: isoInstant.nullable(),
  postedAtLabel: nstr,
  mediaType: z.enum(MEDIA_TYPES).nullable(),
});

export const commentSchema = z.object({
  id: nstr,
  url: httpUrl.nullable(),
  parentId: nstr,
  authorName: nstr,
  authorUrl: httpUrl.nullable(),
  text: nstr,
  postedAt: isoInstant.nullable(),
  postedAtLabel: nstr,
});

export const reactionSchema = z.object({
  type: z.enum(REACTION_TYPES),
  actorName: nstr,
  actorUrl: httpUrl.nullable(),
});

export const subjectSchema = z.object({
  name: nstr,
  accountUrl: httpUrl.nullable(),
  handle: nstr,
  nip: z.string().regex(/^\d{18}$/, 'NIP must be 18 digits').nullable(),
  agency: nstr,
  position: nstr,
  rank: nstr,
  employmentType: z.enum(EMPLOYMENT_TYPES),
});

export const gestureSchema = z.object({ type: z.enum(GESTURE_TYPES), box: boxSchema });

export const violationSchema = z.object({
  types: z.array(z.enum(VIOLATION_TYPES)).max(VIOLATION_TYPES.length),
  gestures: z.array(gestureSchema).max(50),
  candidate: nstr,
  election: nstr,
  notes: nstr,
});

export const screenshotSchema = z.object({
  file: z.string().regex(/^[A-Za-z0-9._/-]+$/).max(200),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  mime: z.literal('image/png'),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  devicePixelRatio: z.number().positive(),
  /** The captured area in CSS pixels relative to the page (document) origin. */
  region: boxSchema.nullable(),
  /**
   * Added: how the image was made. "captureVisibleTab" = a real screenshot of the tab;
   * "html2canvas" = a re-rendering of the element (fallback when the browser refused a screenshot).
   */
  method: z.enum(['captureVisibleTab', 'html2canvas']).optional(),
  /** Added: true when a tall post was cut at the stitching height cap. */
  truncated: z.boolean().optional(),
  /** Added: the full visible tab kept alongside the crop. */
  full: z
    .object({
      file: z.string().regex(/^[A-Za-z0-9._/-]+$/).max(200),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      width: z.number().int().positive(),
      height: z.number().int().positive(),
    })
    .nullable()
    .optional(),
});

/**
 * Added: the flagged item's HTML as the page had it (scripts, styles and event-handler attributes
 * removed, at most SOURCE_MAX_BYTES), stored beside the screenshot as `evidence/<id>/source.html`
 * and covered by the capture signature through this hash. It corroborates the pixels and lets a
 * misread be reproduced. `targetPath` leads from the stored root element to the element the
 * monitor flagged (child indexes, 1-based, joined by '/'; '' = the root itself).
 */
export const sourceSchema = z.object({
  file: z.string().regex(/^[A-Za-z0-9._/-]+$/).max(200),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  mime: z.literal('text/html'),
  bytes: z.number().int().min(0).max(SOURCE_MAX_BYTES),
  truncated: z.boolean(),
  targetPath: z.string().regex(/^(?:\d{1,5}(?:\/\d{1,5}){0,200})?$/).nullable(),
});

export const monitorSchema = z.object({ name: nstr, nip: nstr, unit: nstr });

const b64url = z.string().regex(/^[A-Za-z0-9_-]+$/);
/** Added: the installation's signature over the record as captured (lib/integrity/attestation.ts). */
export const attestationSchema = z.object({
  alg: z.literal('ES256'),
  keyId: z.string().regex(/^[0-9a-f]{64}$/),
  publicKey: z.object({ kty: z.literal('EC'), crv: z.literal('P-256'), x: b64url.max(64), y: b64url.max(64) }),
  payload: z.string().max(2_000_000),
  signature: b64url.max(200),
  signedAt: isoInstant,
});

export const evidenceRecordSchema = z.object({
  id: z.uuid({ version: 'v4' }),
  schemaVersion: z.literal(1),
  capturedAt: isoInstant,
  timezone: z.string().min(1).max(64),
  platform: z.enum(PLATFORMS),
  kind: z.enum(KINDS),
  page: z.object({ url: httpUrl, title: str }),
  post: postSchema.nullable(),
  comment: commentSchema.nullable(),
  reaction: reactionSchema.nullable(),
  subject: subjectSchema,
  violation: violationSchema,
  screenshot: screenshotSchema,
  monitor: monitorSchema,
  fieldSources: z.record(z.string().max(100), z.enum(FIELD_SOURCES)),
  client: z.object({ extensionVersion: str, browser: str }),
  source: sourceSchema.nullable().optional(),
  attestation: attestationSchema.optional(),
});

export type EvidenceRecord = z.infer<typeof evidenceRecordSchema>;
export type Platform = (typeof PLATFORMS)[number];
export type Kind = (typeof KINDS)[number];
export type ReactionType = (typeof REACTION_TYPES)[number];
export type ViolationType = (typeof VIOLATION_TYPES)[number];
export type GestureType = (typeof GESTURE_TYPES)[number];
export type FieldSource = (typeof FIELD_SOURCES)[number];
export type MediaType = (typeof MEDIA_TYPES)[number];
export type PostInfo = z.infer<typeof postSchema>;
export type CommentInfo = z.infer<typeof commentSchema>;
export type ReactionInfo = z.infer<typeof reactionSchema>;
export type SubjectInfo = z.infer<typeof subjectSchema>;
export type Box = z.infer<typeof boxSchema>;
export type SourceInfo = z.infer<typeof sourceSchema>;

export function emptySubject(): SubjectInfo {
  return {
    name: null, accountUrl: null, handle: null, nip: null, agency: null, position: null,
    rank: null, employmentType: 'unknown',
  };
}

/** A readable, one-line-per-problem summary of a zod error (shown to monitors and in server replies). */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 10)
    .map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`)
    .join('; ');
}
