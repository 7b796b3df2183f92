/**
 * Assemble the evidence record from what the page yielded and what the capture produced.
 * Pure: the background passes clock, ids and client info in, so tests can check every field.
 */
import type { SerializableExtraction } from '../messages';
import {
  emptySubject, type Box, type EvidenceRecord, type FieldSource, type ViolationType,
} from './schema';

export interface BuildInput {
  id: string;
  capturedAt: Date;
  timezone: string;
  page: { url: string; title: string };
  extraction: SerializableExtraction;
  screenshot: {
    sha256: string; width: number; height: number; devicePixelRatio: number; region: Box | null;
    truncated: boolean;
    full: { sha256: string; width: number; height: number } | null;
    method?: 'captureVisibleTab' | 'html2canvas';
  };
  monitor: { name: string; nip: string; unit: string };
  client: { extensionVersion: string; browser: string };
}

export function sourcePath(id: string): string {
  return `evidence/${id}/source.html`;
}

export function screenshotPath(id: string, which: 'screenshot' | 'full' = 'screenshot'): string {
  return `evidence/${id}/${which}.png`;
}

/** The violation a flag of this kind most likely documents; the monitor can change it. */
export function defaultViolationTypes(x: SerializableExtraction): ViolationType[] {
  switch (x.kind) {
    case 'comment':
    case 'reply':
      return ['comment'];
    case 'reaction':
      return [x.reaction?.type === 'like' ? 'like' : 'reaction'];
    case 'post':
      return ['post'];
    default:
      return [];
  }
}

const blank = (s: string | undefined | null): string | null => {
  const v = (s ?? '').trim();
  return v ? v : null;
};

export function buildRecord(input: BuildInput): EvidenceRecord {
  const x = input.extraction;
  const fieldSources: Record<string, FieldSource> = { ...x.fieldSources };
  const types = defaultViolationTypes(x);
  if (types.length) fieldSources['violation.types'] = 'heuristic';
  const subject = { ...emptySubject(), ...stripUndefined(x.subject) };
  return {
    id: input.id,
    schemaVersion: 1,
    capturedAt: input.capturedAt.toISOString(),
    timezone: input.timezone || 'UTC',
    platform: x.platform,
    kind: x.kind,
    page: { url: input.page.url, title: input.page.title.slice(0, 2000) },
    post: x.post,
    comment: x.comment,
    reaction: x.reaction,
    subject,
    violation: { types, gestures: [], candidate: null, election: null, notes: null },
    screenshot: {
      file: screenshotPath(input.id),
      sha256: input.screenshot.sha256,
      mime: 'image/png',
      width: input.screenshot.width,
      height: input.screenshot.height,
      devicePixelRatio: input.screenshot.devicePixelRatio,
      region: input.screenshot.region,
      method: input.screenshot.method ?? 'captureVisibleTab',
      truncated: input.screenshot.truncated,
      full: input.screenshot.full
        ? { file: screenshotPath(input.id, 'full'), ...input.screenshot.full }
        : null,
    },
    monitor: {
      name: blank(input.monitor.name),
      nip: blank(input.monitor.nip),
      unit: blank(input.monitor.unit),
    },
    fieldSources,
    client: input.client,
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** "chrome 131", "firefox 128" from a user agent string. */
export function browserLabel(userAgent: string): string {
  const ff = /Firefox\/(\d+)/.exec(userAgent);
  if (ff) return `firefox ${ff[1]}`;
  const edge = /Edg\/(\d+)/.exec(userAgent);
  if (edge) return `edge ${edge[1]}`;
  const ch = /(?:Chrome|Chromium)\/(\d+)/.exec(userAgent);
  if (ch) return `chrome ${ch[1]}`;
  return 'unknown';
}
