/**
 * Where an exported bundle went, in words a monitor can use: the file's own name (as the browser
 * saved it, e.g. with " (1)" added when the name was taken) and that it is in the browser's
 * Downloads folder. No folder path is shown.
 */
export interface DownloadInfo { state?: string; filename?: string; error?: string }
export type DownloadPlace = { state: 'complete' | 'pending' | 'failed'; file: string };

/** The last part of a path, whichever the separator. */
export function baseName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path;
}

export function downloadPlace(item: DownloadInfo | undefined, requested: string): DownloadPlace {
  // The browser may add " (1)" when the name is taken: show the name it really used. A name that
  // is not ours at all (a test harness saving under random names) is not shown.
  const actual = item?.filename ? baseName(item.filename) : '';
  const file = actual && actual.startsWith(requested.replace(/\.[^.]+$/, '')) ? actual : requested;
  if (!item) return { state: 'pending', file };
  if (item.state === 'complete') return { state: 'complete', file };
  if (item.state === 'interrupted') return { state: 'failed', file };
  return { state: 'pending', file };
}
