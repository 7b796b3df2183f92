import { describe, expect, it } from 'vitest';
import { applyEnrichment, enrichRecordInputs, type EnrichSource } from '../../../lib/watchlist/enrich';
import type { Election, WatchEntry } from '../../../lib/watchlist/model';
import { buildRecord } from '../../../lib/record/build';
import { sanitizeRecord } from '../../../lib/record/sanitize';
import type { SerializableExtraction } from '../../../lib/messages';

const entry = (o: Partial<WatchEntry>): WatchEntry => ({
  id: 'w', name: 'x', nip: null, agency: null, position: null, rank: null, employmentType: 'unknown', accounts: [],
  addedAt: '2025-01-01T00:00:00.000Z', updatedAt: '2025-01-01T00:00:00.000Z', ...o,
});
const WATCH: WatchEntry[] = [
  entry({
    id: 'budi', name: 'Budi Santoso, S.Pd.', nip: '198503122010011002', agency: 'Dinas Pendidikan Kab. Contoh',
    position: 'Guru Ahli Muda', rank: 'Penata (III/c)', employmentType: 'PNS',
    accounts: ['https://www.facebook.com/profile.php?id=100012345678901', 'https://www.instagram.com/budi_s/'],
  }),
  entry({ id: 'sinta', name: 'Sinta Dewi', nip: '199001012015032001', employmentType: 'PPPK', accounts: ['https://www.facebook.com/sinta.dewi.77'] }),
  entry({ id: 'agus', name: 'Agus Salim', employmentType: 'PTT', accounts: ['https://www.tiktok.com/@agus.salim'] }),
];
const ELECTIONS: Election[] = [
  {
    id: 'e1', name: 'Pilkada Kab. Contoh 2024', date: '2024-11-27',
    candidates: [
      { id: 'c1', name: 'Ahmad - Bambang', ballotNumber: 1, accounts: ['https://www.instagram.com/ahmadbambang/'] },
      { id: 'c2', name: 'Dedi - Eka', ballotNumber: 2, accounts: ['https://www.facebook.com/dinascontoh'] },
    ],
  },
];
const NOW = new Date('2024-11-01T00:00:00Z');

const src = (o: Partial<EnrichSource>): EnrichSource => ({
  platform: 'facebook', kind: 'comment', post: null, comment: null, reaction: null, subject: {}, ...o,
});

describe('enrichRecordInputs', () => {
  it('pre-fills the subject from a Facebook profile.php?id commenter, fields marked as entered by the monitor', () => {
    const e = enrichRecordInputs(src({
      subject: { name: 'Budi Santoso', accountUrl: 'https://www.facebook.com/profile.php?id=100012345678901' },
      comment: { authorUrl: 'https://www.facebook.com/profile.php?id=100012345678901' },
      post: { authorUrl: 'https://www.facebook.com/dinascontoh' },
    }), WATCH, ELECTIONS, NOW);
    expect(e.watchEntryId).toBe('budi');
    expect(e.subject).toEqual({
      name: 'Budi Santoso, S.Pd.', nip: '198503122010011002', agency: 'Dinas Pendidikan Kab. Contoh',
      position: 'Guru Ahli Muda', rank: 'Penata (III/c)', employmentType: 'PNS',
    });
    expect(e.fieldSources['subject.nip']).toBe('user');
    expect(e.fieldSources['subject.agency']).toBe('user');
    // The commented post belongs to candidate 2's campaign account.
    expect(e.candidate).toBe('Nomor urut 2 - Dedi - Eka');
    expect(e.election).toBe('Pilkada Kab. Contoh 2024');
    expect(e.fieldSources['violation.candidate']).toBe('user');
  });

  it('matches a Facebook vanity with different case, and fills the account when the page gave none', () => {
    const e = enrichRecordInputs(src({ subject: { handle: 'Sinta.Dewi.77' } }), WATCH, [], NOW);
    expect(e.subject).toMatchObject({ name: 'Sinta Dewi', nip: '199001012015032001', employmentType: 'PPPK', accountUrl: 'https://www.facebook.com/sinta.dewi.77' });
    expect(e.candidate).toBeNull();
  });

  it('matches an Instagram handle and a TikTok @handle', () => {
    const ig = enrichRecordInputs(src({
      platform: 'instagram', kind: 'comment', subject: { handle: 'budi_s' },
      post: { authorUrl: 'https://www.instagram.com/ahmadbambang/' },
    }), WATCH, ELECTIONS, NOW);
    expect(ig.watchEntryId).toBe('budi');
    expect(ig.subject.accountUrl).toBe('https://www.instagram.com/budi_s/');
    expect(ig.candidate).toBe('Nomor urut 1 - Ahmad - Bambang');
    const tt = enrichRecordInputs(src({
      platform: 'tiktok', kind: 'post', subject: { accountUrl: 'https://www.tiktok.com/@Agus.Salim' },
      post: { authorUrl: 'https://www.tiktok.com/@Agus.Salim' },
    }), WATCH, ELECTIONS, NOW);
    expect(tt.subject).toEqual({ name: 'Agus Salim', employmentType: 'PTT' });
  });

  it('falls back to the reactor of a reaction, and leaves strangers alone', () => {
    const r = enrichRecordInputs(src({ kind: 'reaction', reaction: { actorUrl: 'https://www.facebook.com/sinta.dewi.77' } }), WATCH, [], NOW);
    expect(r.watchEntryId).toBe('sinta');
    const none = enrichRecordInputs(src({ subject: { accountUrl: 'https://www.facebook.com/agus.salim' } }), WATCH, ELECTIONS, NOW);
    expect(none).toEqual({ subject: {}, candidate: null, election: null, fieldSources: {}, watchEntryId: null });
  });

  it('picks the next election when a campaign account runs in several', () => {
    const two: Election[] = [
      { ...ELECTIONS[0]!, id: 'old', name: 'Pemilu 2019', date: '2019-04-17' },
      ELECTIONS[0]!,
      { ...ELECTIONS[0]!, id: 'later', name: 'Pilkada 2029', date: '2029-11-27' },
    ];
    const e = enrichRecordInputs(src({ post: { authorUrl: 'https://www.facebook.com/dinascontoh' } }), [], two, NOW);
    expect(e.election).toBe('Pilkada Kab. Contoh 2024');
    const after = enrichRecordInputs(src({ post: { authorUrl: 'https://www.facebook.com/dinascontoh' } }), [], two.slice(0, 2), new Date('2025-03-01T00:00:00Z'));
    expect(after.election).toBe('Pilkada Kab. Contoh 2024');
  });

  it('applies to a built record that then passes the schema', () => {
    const extraction: SerializableExtraction = {
      platform: 'facebook', kind: 'comment',
      post: { id: null, url: null, authorName: 'Dinas Contoh', authorUrl: 'https://www.facebook.com/dinascontoh', text: null, postedAt: null, postedAtLabel: null, mediaType: null },
      comment: { id: '7', url: null, parentId: null, authorName: 'Budi Santoso', authorUrl: 'https://www.facebook.com/profile.php?id=100012345678901', text: 'x', postedAt: null, postedAtLabel: null },
      reaction: null,
      subject: { name: 'Budi Santoso', accountUrl: 'https://www.facebook.com/profile.php?id=100012345678901' },
      fieldSources: { 'subject.name': 'dom' }, missing: [], warnings: [], extras: {},
    };
    const built = buildRecord({
      id: '0b7c0c5e-4b8e-4c3a-9a57-6f1c2f3d4e5f', capturedAt: NOW, timezone: 'Asia/Jakarta',
      page: { url: 'https://www.facebook.com/x', title: 't' }, extraction,
      screenshot: { sha256: 'a'.repeat(64), width: 10, height: 10, devicePixelRatio: 1, region: null, truncated: false, full: null },
      monitor: { name: '', nip: '', unit: '' }, client: { extensionVersion: '0.1.0', browser: 'chrome 1' },
    });
    applyEnrichment(built, enrichRecordInputs(built, WATCH, ELECTIONS, NOW));
    const { record, dropped } = sanitizeRecord(built);
    expect(dropped).toEqual([]);
    expect(record.subject).toMatchObject({ nip: '198503122010011002', agency: 'Dinas Pendidikan Kab. Contoh', employmentType: 'PNS', accountUrl: 'https://www.facebook.com/profile.php?id=100012345678901' });
    expect(record.violation).toMatchObject({ candidate: 'Nomor urut 2 - Dedi - Eka', election: 'Pilkada Kab. Contoh 2024', types: ['comment'] });
    expect(record.fieldSources).toMatchObject({ 'subject.name': 'user', 'subject.nip': 'user', 'violation.candidate': 'user' });
  });
});
