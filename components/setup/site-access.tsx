/**
 * Site access: why it makes the screenshot real, whether it is granted, and a button that asks for
 * the optional host permission at run time (wxt.config.ts: optional_host_permissions / MV2
 * optional_permissions). Shared by the options page and the first-run page.
 */
import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import type { T } from '../i18n';

/** Capturing from the in-page button has no toolbar gesture, so it needs site access. */
export const CAPTURE_ORIGINS = { origins: ['<all_urls>'] };

export function SiteAccess({ t, idPrefix = 'sa' }: { t: T; idPrefix?: string }) {
  const [granted, setGranted] = useState<boolean | null>(null);
  const [denied, setDenied] = useState(false);
  useEffect(() => {
    void browser.permissions.contains(CAPTURE_ORIGINS).then(setGranted).catch(() => setGranted(false));
  }, []);
  const grant = async () => {
    // Called straight from the click: the browser only asks within a user gesture.
    const ok = await browser.permissions.request(CAPTURE_ORIGINS).catch(() => false);
    setGranted(ok);
    setDenied(!ok);
  };
  return (
    <div>
      <p id={`${idPrefix}-why`}>{t('opt_siteAccessWhy')}</p>
      {granted === true && <p class="msg ok" id={`${idPrefix}-state`} data-granted="true">{t('opt_siteAccessGranted')}</p>}
      {granted === false && (
        <div>
          <p class="msg info" id={`${idPrefix}-state`} data-granted="false">{denied ? t('opt_siteAccessDenied') : t('opt_siteAccessMissing')}</p>
          <button type="button" id={`${idPrefix}-grant`} onClick={() => void grant()}>{t('opt_grantSiteAccess')}</button>
        </div>
      )}
    </div>
  );
}
