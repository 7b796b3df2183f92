import { browser } from 'wxt/browser';
import type { ToBackgroundWorkbench } from '../lib/workbench-protocol';

/** Send a typed workbench message (gestures, deletion, case files) to the background. */
export async function sendWorkbench<T>(msg: ToBackgroundWorkbench): Promise<T> {
  return (await browser.runtime.sendMessage(msg)) as T;
}
