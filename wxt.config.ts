import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';
import type { Plugin } from 'vite';

// Production builds ask for no host access: captures use activeTab (a real user gesture) and the
// backend origin is requested at run time as an optional host permission. The e2e build (mode
// "e2e") adds host access for the spoofed fixture sites only, because headless tests cannot make
// the toolbar/context-menu gesture that activeTab needs.
// `wxt build --mode e2e` writes to .output/e2e/ so it never mixes with the production build.
const argv = process.argv.join(' ');
const e2eBuild = /--mode[= ]e2e\b/.test(argv);

/**
 * zod runs jitless (lib/zod-config.ts), so its schema compiler, the only Function-constructor use in
 * the bundle, is unreachable; remove it so no eval-capable code ships (web-ext lint: 0
 * DANGEROUS_EVAL). The build fails if zod changes shape and the replacement no longer applies.
 */
function noEval(): Plugin {
  const edits: [RegExp, RegExp, string][] = [
    [/zod\/v4\/core\/doc\.js$/, /const F = Function;[\s\S]*?return factory\(\.\.\.Object\.values\(this\.closed\)\);/, 'throw new Error("zod JIT disabled (jitless)");'],
    [/zod\/v4\/core\/util\.js$/, /const F = Function;\s*new F\(""\);\s*return true;/, 'return false;'],
  ];
  return {
    name: 'asn-no-eval',
    enforce: 'pre',
    transform(code, id) {
      const path = id.split('?')[0]!.replace(/\\/g, '/');
      for (const [file, find, replace] of edits) {
        if (!file.test(path)) continue;
        if (!find.test(code)) throw new Error(`noEval: ${path} changed; update wxt.config.ts`);
        return code.replace(find, replace);
      }
      return null;
    },
  };
}

export default defineConfig({
  outDirTemplate: e2eBuild ? 'e2e/{{browser}}-mv{{manifestVersion}}' : '{{browser}}-mv{{manifestVersion}}{{modeSuffix}}',
  modules: ['@wxt-dev/webextension-polyfill'],
  vite: () => ({ plugins: [preact(), noEval()] }),
  manifest: ({ browser, mode, manifestVersion }) => {
    const e2e = mode === 'e2e';
    // The three supported sites: the content script runs there anyway (same install warning),
    // and the background may inject the on-demand rasteriser there. captureVisibleTab without a
    // toolbar gesture needs <all_urls>, which only the test build has (headless tests cannot click).
    const supportedSites = ['https://*.facebook.com/*', 'https://*.instagram.com/*', 'https://*.tiktok.com/*'];
    const fixtureHosts = ['<all_urls>'];
    const manifest: Record<string, unknown> = {
      name: '__MSG_extName__',
      description: '__MSG_extDescription__',
      default_locale: 'id',
      permissions: ['activeTab', 'contextMenus', 'storage', 'unlimitedStorage', 'alarms', 'scripting', 'downloads'],
      // Asked for at run time only: the backend's origin (options page), and site access for
      // capturing from the in-page button (which has no toolbar gesture to grant activeTab).
      optional_host_permissions: manifestVersion === 3 ? ['<all_urls>'] : undefined,
      optional_permissions: manifestVersion === 2 ? ['<all_urls>'] : undefined,
      host_permissions: manifestVersion === 3 ? (e2e ? fixtureHosts : supportedSites) : undefined,
      commands: {
        'flag-evidence': {
          suggested_key: { default: 'Alt+Shift+T' },
          description: '__MSG_commandFlag__',
        },
      },
      action: { default_title: '__MSG_extName__' },
    };
    if (manifestVersion === 2) {
      manifest.permissions = [...(manifest.permissions as string[]), ...(e2e ? fixtureHosts : supportedSites)];
    }
    if (browser === 'firefox') {
      manifest.browser_specific_settings = {
        gecko: {
          id: 'tandai-bukti@asn-evidence.local',
          strict_min_version: '140.0',
          // Evidence leaves the device only to the backend the monitor configures; nothing is
          // collected by the extension's authors.
          data_collection_permissions: { required: ['none'] },
        },
        gecko_android: { strict_min_version: '142.0' },
      };
    }
    return manifest;
  },
});
