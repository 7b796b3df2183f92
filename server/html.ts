import { formatHuman, zoneAbbreviation } from '../lib/export/time';
import type { EvidenceSummary } from './storage';

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const safeHref = (u: string): string | null => (/^https?:\/\//i.test(u) ? escapeHtml(u) : null);

const PLATFORM: Record<string, string> = { facebook: 'Facebook', instagram: 'Instagram', tiktok: 'TikTok', other: 'Situs lain' };
const KIND: Record<string, string> = {
  post: 'Unggahan', comment: 'Komentar', reply: 'Balasan komentar', reaction: 'Reaksi', profile: 'Profil', page: 'Halaman',
};

/** The zone the backend page shows times in: ASN_SERVER_TZ, else WIB (Asia/Jakarta). */
export function pageZone(): string {
  return process.env.ASN_SERVER_TZ || 'Asia/Jakarta';
}

/**
 * The /records page, in Bahasa Indonesia: times in WIB/WITA/WIT (ASN_SERVER_TZ, default
 * Asia/Jakarta), platform and kind as words. Everything that came from a page (names, URLs) is
 * escaped. IDs and hashes stay (small, monospace) for the team's technical staff.
 */
export function renderRecordsPage(rows: EvidenceSummary[], opts: { version: string; total: number; timeZone?: string }): string {
  const tz = opts.timeZone ?? pageZone();
  const body = rows
    .map((r) => {
      const href = safeHref(r.pageUrl);
      const page = href
        ? `<a href="${href}" rel="noopener noreferrer nofollow" target="_blank">${escapeHtml(r.pageUrl)}</a>`
        : escapeHtml(r.pageUrl);
      return `<tr><td class="nw">${escapeHtml(formatHuman(r.receivedAt, 'id', tz))}</td><td>${escapeHtml(r.monitor)}</td>`
        + `<td>${escapeHtml(PLATFORM[r.platform] ?? r.platform)}</td><td>${escapeHtml(KIND[r.kind] ?? r.kind)}</td><td>${escapeHtml(r.subjectName ?? '')}</td>`
        + `<td class="nw">${escapeHtml(formatHuman(r.capturedAt, 'id', tz))}</td>`
        + `<td class="mono">${escapeHtml(r.id)}</td><td class="mono">${escapeHtml(r.sha256)}</td><td class="url">${page}</td></tr>`;
    })
    .join('\n');
  const shown = rows.length < opts.total ? ` Ditampilkan ${rows.length} yang terbaru.` : '';
  return `<!doctype html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Bukti diterima (${opts.total})</title>
<style>body{font:14px system-ui,sans-serif;margin:1.5rem}table{border-collapse:collapse;width:100%}
td,th{border:1px solid #ccc;padding:.3rem .5rem;vertical-align:top;text-align:left}
.nw{white-space:nowrap}.mono{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}.url{word-break:break-all}</style>
</head><body>
<h1>Bukti diterima</h1>
<p>Server tim telah menerima ${opts.total} bukti.${shown} Waktu dalam zona ${escapeHtml(zoneAbbreviation(new Date().toISOString(), tz))}. Versi server ${escapeHtml(opts.version)}.</p>
<table><thead><tr><th>Diterima</th><th>Pengawas</th><th>Platform</th><th>Jenis</th>
<th>ASN</th><th>Ditangkap</th><th>ID bukti</th><th>SHA-256</th><th>Halaman</th></tr></thead>
<tbody>
${body || '<tr><td colspan="9">Belum ada bukti yang diterima.</td></tr>'}
</tbody></table></body></html>
`;
}
