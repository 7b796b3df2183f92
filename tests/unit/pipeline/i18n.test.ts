import { describe, expect, it } from 'vitest';
import { t } from '../../../lib/i18n/messages';
import { ct } from '../../../lib/i18n/content-messages';
import idLocale from '../../../public/_locales/id/messages.json';
import enLocale from '../../../public/_locales/en/messages.json';

describe('UI text', () => {
  it('is Indonesian by default and English on request, with placeholders filled', () => {
    expect(t('id', 'waitingToSync', { n: 3 })).toBe('3 bukti menunggu sinkronisasi');
    expect(t('en', 'waitingToSync', { n: 3 })).toBe('3 records waiting to sync');
    expect(t('id', 'status_queued')).toBe('Antrean');
    expect(ct('id', 'flag')).toBe('Tandai');
    expect(ct('en', 'flag')).toBe('Flag');
  });
  it('the content script shows the same words as the extension pages', () => {
    for (const lang of ['id', 'en'] as const) {
      for (const k of ['flag', 'flagHint', 'flagging', 'flagged'] as const) expect(ct(lang, k)).toBe(t(lang, k));
    }
  });
  it('manifest locales define the same keys in both languages', () => {
    expect(Object.keys(enLocale).sort()).toEqual(Object.keys(idLocale).sort());
  });
});
