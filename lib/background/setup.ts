/** First run: on a fresh install (not an update or a browser update), open the setup page once. */
import { browser } from 'wxt/browser';

export const WELCOME_PATH = '/welcome.html';

export async function onInstalled(details: { reason: string }): Promise<void> {
  if (details.reason !== 'install') return;
  await browser.tabs.create({ url: browser.runtime.getURL(WELCOME_PATH), active: true });
}
