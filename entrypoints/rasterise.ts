import { rasteriseElement } from '../lib/capture/rasterise';

// Injected on demand by the background (scripting.executeScript) into the tab's isolated world,
// where the content script left the flagged element. Its return value goes back to the caller.
export default defineUnlistedScript(async () => {
  const el = (window as unknown as { __asnEvidenceTarget?: HTMLElement }).__asnEvidenceTarget;
  if (!el?.isConnected) return { ok: false as const, message: 'flagged element is gone' };
  try {
    return { ok: true as const, ...(await rasteriseElement(el, window)) };
  } catch (e) {
    return { ok: false as const, message: String((e as Error)?.message ?? e).slice(0, 200) };
  }
});
