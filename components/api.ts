import { browser } from 'wxt/browser';
import type { ToBackground } from '../lib/messages';

/** Send a typed message to the background from an extension page. */
export async function send<T>(msg: ToBackground): Promise<T> {
  return (await browser.runtime.sendMessage(msg)) as T;
}
