/** The server's version: package.json's. */
import { readFile } from 'node:fs/promises';

export const SERVER_VERSION: string = await (async () => {
  try {
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
})();
