/**
 * One interface for every platform adapter (facebook, instagram, tiktok, generic).
 * Adapters run in the content script: they must not import zod or other heavy modules,
 * and they take `document`/`url` as parameters so tests can pass a fixture DOM.
 */
import type {
  CommentInfo, FieldSource, Kind, Platform, PostInfo, ReactionInfo, SubjectInfo,
} from '../record/schema';

export interface ExtractContext {
  /** The page document (a fixture document in tests). */
  doc: Document;
  /** The page address, as `location.href` (tests pass the case's url). */
  url: string;
  /** The element the monitor flagged (context-menu target, in-page button's host, or null = whole page). */
  target: Element | null;
  /** Current time, for relative labels ("2 j"); injectable for tests. */
  now?: Date;
  /** IANA zone of the monitor, for labels like "Kemarin pukul 15.14". */
  timeZone?: string;
}

export interface Extraction {
  platform: Platform;
  kind: Kind;
  post: PostInfo | null;
  comment: CommentInfo | null;
  reaction: ReactionInfo | null;
  /** The flagged person proposed as the evidence subject; the monitor completes it. */
  subject: Partial<SubjectInfo>;
  /** Dot paths into the evidence record -> where the value came from. */
  fieldSources: Record<string, FieldSource>;
  /** The element whose rectangle is cropped and outlined in the screenshot (null = visible tab). */
  element: Element | null;
  /** Fields the adapter could not find and the monitor should fill (dot paths). */
  missing: string[];
  /** Problems the monitor must know about (login wall, checkpoint, stale data...). */
  warnings: ExtractionWarning[];
  /** Extra, adapter-specific facts kept for reviewers (counts with raw strings, truncated flags). */
  extras: Record<string, unknown>;
}

export type ExtractionWarning =
  | { code: 'login_wall'; message: string }
  | { code: 'checkpoint'; message: string }
  | { code: 'no_target'; message: string }
  | { code: 'adapter_error'; message: string }
  | { code: 'stale_json'; message: string };

export interface PlatformAdapter {
  platform: Platform;
  /** True when this adapter handles the page address. */
  matches(url: URL): boolean;
  /** Never throws for page-content reasons; returns nulls + warnings instead. */
  extract(ctx: ExtractContext): Extraction;
  /** Elements the in-page flag button attaches to (posts, comments, reactor rows). Optional. */
  flaggableElements?(root: ParentNode): Element[];
}
