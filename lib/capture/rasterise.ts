/**
 * The one wrapper around html2canvas: a fallback rasteriser for a single element, used only when
 * the browser refuses a real screenshot (captureVisibleTab) for a flag made from the in-page
 * button without site access. The result is a re-rendering of the page, not what the screen
 * showed, and the record says so (screenshot.method = "html2canvas"). Loaded on demand, never in
 * the content script's eager bundle.
 */
export interface Rasterised { dataUrl: string; width: number; height: number; scale: number }

/** The tallest element rendered, in CSS px: Chromium's canvas silently fails past its limits. */
export const MAX_RASTER_HEIGHT = 6000;

export async function rasteriseElement(el: HTMLElement, win: Window): Promise<Rasterised> {
  const { default: html2canvas } = await import('html2canvas');
  const scale = Math.min(2, win.devicePixelRatio || 1);
  const rect = el.getBoundingClientRect();
  const height = Math.min(rect.height, MAX_RASTER_HEIGHT);
  const canvas = await html2canvas(el, {
    scale,
    height,
    useCORS: true,
    logging: false,
    backgroundColor: '#ffffff',
    // Never render our own overlay into the evidence.
    ignoreElements: (node) => node.tagName?.toLowerCase().startsWith('asn-evidence-overlay') === true,
  });
  const dataUrl = canvas.toDataURL('image/png');
  // html2canvas returns "data:," on an oversized canvas instead of throwing.
  if (!dataUrl.startsWith('data:image/png;base64,') || canvas.width === 0) {
    throw new Error('the element could not be rendered');
  }
  return { dataUrl, width: canvas.width, height: canvas.height, scale };
}
