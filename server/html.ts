import type { EvidenceSummary } from './storage';

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const safeHref = (u: string): string | null => (/^https?:\/\//i.test(u) ? escapeHtml(u) : null);

/** The /records page: everything that came from a page (names, URLs) is escaped. */
export function renderRecordsPage(rows: EvidenceSummary[], opts: { version: string; total: number }): string {
  const body = rows
    .map((r) => {
      const href = safeHref(r.pageUrl);
      const page = href
        ? `<a href="${href}" rel="noopener noreferrer nofollow" target="_blank">${escapeHtml(r.pageUrl)}</a>`
        : escapeHtml(r.pageUrl);
      return `<tr><td>${escapeHtml(r.receivedAt)}</td><td>${escapeHtml(r.monitor)}</td><td>${escapeHtml(r.platform)}</td>`
        + `<td>${escapeHtml(r.kind)}</td><td>${escapeHtml(r.subjectName ?? '')}</td>`
        + `<td class="mono">${escapeHtml(r.id)}</td><td class="mono">${escapeHtml(r.sha256)}</td><td>${page}</td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Bukti diterima (${opts.total})</title>
<style>body{font:14px system-ui,sans-serif;margin:1.5rem}table{border-collapse:collapse;width:100%}
td,th{border:1px solid #ccc;padding:.3rem .5rem;vertical-align:top;text-align:left}
.mono{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}td{word-break:break-word}</style>
</head><body>
<h1>Bukti diterima / Evidence received</h1>
<p>${opts.total} record(s); showing the newest ${rows.length}. Server ${escapeHtml(opts.version)}.</p>
<table><thead><tr><th>Diterima / Received (UTC)</th><th>Pengawas / Monitor</th><th>Platform</th><th>Jenis / Kind</th>
<th>ASN</th><th>ID</th><th>SHA-256</th><th>Halaman / Page</th></tr></thead>
<tbody>
${body || '<tr><td colspan="8">Belum ada bukti / No evidence yet</td></tr>'}
</tbody></table></body></html>
`;
}
