/** The export result names the file the browser really saved, never a folder path. */
import { describe, expect, it } from 'vitest';
import { baseName, downloadPlace } from '../../../lib/manager/download-place';

describe('where the exported bundle went', () => {
  const asked = 'bukti-asn-20261130-175621.zip';
  it('shows the saved name (with the browser\'s " (1)") without the folder', () => {
    expect(downloadPlace({ state: 'complete', filename: '/home/rahmat/Unduhan/bukti-asn-20261130-175621 (1).zip' }, asked))
      .toEqual({ state: 'complete', file: 'bukti-asn-20261130-175621 (1).zip' });
    expect(downloadPlace({ state: 'complete', filename: 'C:\\Users\\rahmat\\Downloads\\bukti-asn-20261130-175621.zip' }, asked))
      .toEqual({ state: 'complete', file: asked });
  });
  it('falls back to the asked name while the browser has not named the file, or named it otherwise', () => {
    expect(downloadPlace(undefined, asked)).toEqual({ state: 'pending', file: asked });
    expect(downloadPlace({ state: 'in_progress', filename: '' }, asked)).toEqual({ state: 'pending', file: asked });
    expect(downloadPlace({ state: 'complete', filename: '/tmp/pw/3f2c-guid' }, asked)).toEqual({ state: 'complete', file: asked });
    expect(downloadPlace({ state: 'interrupted', filename: '' }, asked).state).toBe('failed');
    expect(baseName('/a/b/c.zip')).toBe('c.zip');
  });
});
