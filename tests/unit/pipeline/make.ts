import type { SerializableExtraction } from '../../../lib/messages';
import { buildRecord, type BuildInput } from '../../../lib/record/build';

export const SHA = 'a'.repeat(64);

export function extraction(over: Partial<SerializableExtraction> = {}): SerializableExtraction {
  return {
    platform: 'facebook',
    kind: 'comment',
    post: {
      id: 'pfbid0abc', url: 'https://www.facebook.com/permalink.php?story_fbid=pfbid0abc&id=1000',
      authorName: 'Tim Paslon 2', authorUrl: 'https://www.facebook.com/paslon2', text: 'Ayo dukung',
      postedAt: null, postedAtLabel: '3 hari', mediaType: 'photo',
    },
    comment: {
      id: '7000', url: 'https://www.facebook.com/permalink.php?story_fbid=pfbid0abc&id=1000&comment_id=7000',
      parentId: null, authorName: 'Budi Santoso', authorUrl: 'https://www.facebook.com/profile.php?id=100012345678901',
      text: 'Siap menangkan nomor 2!', postedAt: null, postedAtLabel: '2 j',
    },
    reaction: null,
    subject: { name: 'Budi Santoso', accountUrl: 'https://www.facebook.com/profile.php?id=100012345678901' },
    fieldSources: { 'comment.authorName': 'dom', 'post.id': 'url', 'subject.name': 'dom' },
    missing: ['subject.nip'],
    warnings: [],
    extras: {},
    ...over,
  };
}

export function input(over: Partial<BuildInput> = {}): BuildInput {
  return {
    id: '3f1c9a52-8a4e-4c1b-9d7e-2b5f0c7a1e11',
    capturedAt: new Date('2024-09-13T02:15:04.123Z'),
    timezone: 'Asia/Jakarta',
    page: { url: 'https://www.facebook.com/permalink.php?story_fbid=pfbid0abc&id=1000', title: 'Tim Paslon 2 | Facebook' },
    extraction: extraction(),
    screenshot: {
      sha256: SHA, width: 584, height: 124, devicePixelRatio: 1,
      region: { x: 304, y: 336, width: 584, height: 124 }, truncated: false,
      full: { sha256: 'b'.repeat(64), width: 1280, height: 800 },
    },
    monitor: { name: 'Rahmat', nip: '199001012015031001', unit: 'Timwas' },
    client: { extensionVersion: '0.1.0', browser: 'chrome 156' },
    ...over,
  };
}

export const record = (over: Partial<BuildInput> = {}) => buildRecord(input(over));
