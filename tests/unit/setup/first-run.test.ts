/** The first-run page opens once, on a fresh install only (not on an update or a browser update). */
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { onInstalled } from '../../../lib/background/setup';
import { cleanMonitor, monitorIdentified } from '../../../lib/settings';

describe('first run', () => {
  beforeEach(() => fakeBrowser.reset());

  it('opens welcome.html on install, nothing on update', async () => {
    const welcomeTabs = async () => (await fakeBrowser.tabs.query({})).filter((t) => /\/welcome\.html$/.test(t.url ?? ''));
    await onInstalled({ reason: 'update' });
    await onInstalled({ reason: 'browser_update' });
    expect(await welcomeTabs()).toHaveLength(0);
    await onInstalled({ reason: 'install' });
    expect(await welcomeTabs()).toHaveLength(1);
  });

  it('the identity is cleaned and the NIP checked (separators people type are dropped)', () => {
    expect(cleanMonitor({ name: ' Rahmat ', nip: '19900101 201503 1 001', unit: ' Timwas ' }))
      .toEqual({ value: { name: 'Rahmat', nip: '199001012015031001', unit: 'Timwas' }, nipValid: true });
    expect(cleanMonitor({ name: 'R', nip: '', unit: '' }).nipValid).toBe(true);
    expect(cleanMonitor({ name: 'R', nip: '1990', unit: '' }).nipValid).toBe(false);
    expect(cleanMonitor({ name: 'R', nip: '19900101201503100X', unit: '' }).nipValid).toBe(false);
    expect(monitorIdentified({ name: 'Rahmat', nip: '199001012015031001', unit: '' })).toBe(true);
    expect(monitorIdentified({ name: '', nip: '199001012015031001', unit: '' })).toBe(false);
  });
});
