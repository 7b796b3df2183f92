import { startAgent } from '../lib/content/agent';
import { getSettings } from '../lib/settings';

export default defineContentScript({
  // Supported sites get the in-page flag button; on other sites the background injects this same
  // script on demand after a user gesture (activeTab), so no blanket host access is needed.
  matches: ['https://*.facebook.com/*', 'https://*.instagram.com/*', 'https://*.tiktok.com/*'],
  runAt: 'document_idle',
  async main(ctx) {
    const marker = '__asnEvidenceAgent';
    const w = window as unknown as Record<string, unknown>;
    if (w[marker] === ctx) return;
    w[marker] = ctx;
    const settings = await getSettings();
    startAgent({
      win: window,
      lang: settings.language,
      inpageButtons: settings.inpageButtons,
      onInvalidated: (cb) => ctx.onInvalidated(cb),
      signal: ctx.signal,
    });
  },
});
