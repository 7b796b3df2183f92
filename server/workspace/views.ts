/**
 * The workspace pages (server-rendered, plain forms). Each function takes the request's View and
 * the data the route loaded, and returns the whole document. Every value goes through `html`.
 */
import { BULAN, MONTHS_EN } from '../../lib/export/time';
import { t as extT, type MessageKey } from '../../lib/i18n/messages';
import type { RecordProof } from '../../lib/integrity/record-check';
import type { ReceiptCheck } from '../../lib/integrity/receipt';
import { VIOLATION_TYPES } from '../../lib/record/schema';
import type { IssuedToken, Person } from '../auth/types';
import { MIN_PASSWORD_LENGTH } from '../auth/types';
import type { EvidenceVersion, InstallationKey, StoredEvidence } from '../storage';
import {
  FINDING_STATUSES, RECEIVERS, type AuditEntry, type Finding, type FindingStatus, type InboxFilter, type InboxItem, type Page,
  type SubjectDetail, type SubjectSummary,
} from '../team/types';
import type { Role } from '../tokens';
import {
  clip, csrfField, deadlineText, extLink, facts, html, layout, notice, pager, raw, tr, when, zoneName, type Html, type Part, type View,
} from './html';
import type { WsKey } from './messages';

export const PLATFORM_KEYS = ['facebook', 'instagram', 'tiktok', 'other'] as const;

export function platformName(v: View, p: string): string {
  return (PLATFORM_KEYS as readonly string[]).includes(p) ? tr(v, `pf_${p}` as WsKey) : p;
}
export function violationName(v: View, x: string): string {
  return (VIOLATION_TYPES as readonly string[]).includes(x) ? extT(v.lang, `vt_${x}` as MessageKey) : x;
}
export function kindName(v: View, k: string): string {
  return ['post', 'comment', 'reply', 'reaction', 'profile', 'page'].includes(k) ? extT(v.lang, `kind_${k}` as MessageKey) : k;
}
export function statusName(v: View, s: string): string {
  return (FINDING_STATUSES as readonly string[]).includes(s) ? tr(v, `st_${s}` as WsKey) : s;
}
export function receiverName(v: View, r: string | null): string {
  if (!r) return '';
  return (RECEIVERS as readonly string[]).includes(r) ? tr(v, `rc_${r}` as WsKey) : r;
}
/** "13 September 2024" / "13 September 2024" from YYYY-MM-DD (a day, no zone); other text as it is. */
export function dateOnly(v: View, d: string | null): string {
  if (!d) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(d);
  if (!m) return d;
  const months = v.lang === 'id' ? BULAN : MONTHS_EN;
  return `${Number(m[3])} ${months[Number(m[2]) - 1] ?? m[2]} ${m[1]}`;
}
const roleName = (v: View, r: Role): string => tr(v, `role_${r}`);
const nameOr = (v: View, n: string | null | undefined): string => (n && n.trim() ? n : tr(v, 'unnamed'));

/** Next workflow steps offered from each status (the register is the authority and refuses others). */
export const NEXT_STEPS: Record<FindingStatus, readonly FindingStatus[]> = {
  baru: ['diverifikasi', 'ditolak'],
  diverifikasi: ['diteruskan', 'ditolak', 'baru'],
  diteruskan: ['ditindaklanjuti', 'ditolak'],
  ditindaklanjuti: [],
  ditolak: ['baru'],
};

function options(values: readonly string[], selected: string | undefined, label: (x: string) => string, anyText?: string): Html {
  return html`${anyText !== undefined ? html`<option value="">${anyText}</option>` : ''}${values.map((x) => html`<option value="${x}"${x === selected ? raw(' selected') : ''}>${label(x)}</option>`)}`;
}

export function messagePage(v: View, title: string, text: string, back?: { href: string; label: string }): string {
  return layout(v, title, html`${notice('error', text)}${back ? html`<p><a href="${back.href}">${back.label}</a></p>` : ''}`);
}

// ---------------------------------------------------------------- sign-in

export function signInPage(v: View, o: { bootstrap: boolean; pra: string; next: string; error?: string; info?: string; username?: string }): string {
  const hidden = html`<input type="hidden" name="_pra" value="${o.pra}"><input type="hidden" name="lanjut" value="${o.next}">`;
  const msg = html`${o.error ? notice('error', o.error) : ''}${o.info ? notice('ok', o.info) : ''}`;
  if (o.bootstrap) {
    return layout(v, tr(v, 'bootstrapTitle'), html`${msg}<p>${tr(v, 'bootstrapIntro')}</p>
<form class="stack" method="post" action="/posko/masuk">${hidden}
<div><label for="f-token">${tr(v, 'bootstrapToken')}</label><input type="password" id="f-token" name="token" required autocomplete="off"></div>
<div><label for="f-user">${tr(v, 'username')}</label><input type="text" id="f-user" name="username" required autocomplete="username" value="${o.username ?? ''}"></div>
<div><label for="f-name">${tr(v, 'displayName')}</label><input type="text" id="f-name" name="displayName" required autocomplete="name"></div>
<div><label for="f-pass">${tr(v, 'password')}</label><input type="password" id="f-pass" name="password" required minlength="${MIN_PASSWORD_LENGTH}" autocomplete="new-password" aria-describedby="f-pass-hint">
<p class="hint" id="f-pass-hint">${tr(v, 'passwordHint', { n: MIN_PASSWORD_LENGTH })}</p></div>
<div><label for="f-pass2">${tr(v, 'passwordAgain')}</label><input type="password" id="f-pass2" name="password2" required minlength="${MIN_PASSWORD_LENGTH}" autocomplete="new-password"></div>
<div><button type="submit">${tr(v, 'bootstrapButton')}</button></div></form>`);
  }
  return layout(v, tr(v, 'signInTitle'), html`${msg}
<form class="stack" method="post" action="/posko/masuk">${hidden}
<div><label for="f-user">${tr(v, 'username')}</label><input type="text" id="f-user" name="username" required autocomplete="username" value="${o.username ?? ''}"></div>
<div><label for="f-pass">${tr(v, 'password')}</label><input type="password" id="f-pass" name="password" required autocomplete="current-password"></div>
<div><button type="submit">${tr(v, 'signInButton')}</button></div></form>`);
}

// ---------------------------------------------------------------- inbox

export function filterQuery(f: InboxFilter): URLSearchParams {
  const q = new URLSearchParams();
  const put = (k: string, x: string | number | undefined) => { if (x !== undefined && x !== '') q.set(k, String(x)); };
  put('dari', f.from); put('sampai', f.to); put('pengawas', f.monitor); put('unit', f.unit); put('platform', f.platform);
  put('pelanggaran', f.violation); put('status', f.status); put('q', f.q);
  return q;
}

export function inboxPage(v: View, o: {
  filter: InboxFilter; facets: { monitors: string[]; platforms: string[]; units: string[] };
  result: Page<InboxItem>; isMonitor: boolean; error?: string;
}): string {
  const f = o.filter;
  const platforms = [...new Set([...PLATFORM_KEYS, ...o.facets.platforms])];
  const exportHref = `/posko/ekspor?${filterQuery(f).toString()}`;
  const rows = o.result.items.map((it) => html`<tr>
<td data-label="${tr(v, 'asnName')}" class="long"><a href="/posko/bukti/${encodeURIComponent(it.id)}">${clip(nameOr(v, it.subjectName))}</a>${it.agency ? html`<br><span class="hint">${clip(it.agency)}</span>` : ''}</td>
<td data-label="${tr(v, 'nip')}" class="nw">${it.nip ?? ''}</td>
<td data-label="${tr(v, 'violations')}">${it.violations.length ? it.violations.map((x) => violationName(v, x)).join(', ') : tr(v, 'none')}</td>
<td data-label="${tr(v, 'platform')}">${platformName(v, it.platform)} · ${kindName(v, it.kind)}</td>
<td data-label="${tr(v, 'monitor')}">${clip(it.monitor, 60)}</td>
<td data-label="${tr(v, 'capturedAt')}" class="nw">${when(v, it.capturedAt)}</td>
<td data-label="${tr(v, 'status')}">${o.isMonitor ? statusName(v, it.findingStatus) : html`<a href="/posko/temuan/${it.findingId}">${statusName(v, it.findingStatus)}</a>`}</td>
<td data-label="${tr(v, 'witnesses')}">${it.witnesses}</td></tr>`);
  const body = html`<p>${tr(v, o.isMonitor ? 'inboxIntroMonitor' : 'inboxIntro', { zone: zoneName(v) })}</p>
${o.error ? notice('error', o.error) : ''}
<form class="filter" method="get" action="/posko" aria-labelledby="filter-h"><h2 id="filter-h" class="full">${tr(v, 'filterTitle')}</h2>
<div><label for="f-dari">${tr(v, 'fromDate')}</label><input type="date" id="f-dari" name="dari" value="${f.from ?? ''}"></div>
<div><label for="f-sampai">${tr(v, 'toDate')}</label><input type="date" id="f-sampai" name="sampai" value="${f.to ?? ''}"></div>
${o.isMonitor ? '' : html`<div><label for="f-pengawas">${tr(v, 'monitor')}</label><select id="f-pengawas" name="pengawas">${options(o.facets.monitors, f.monitor, (x) => x, tr(v, 'any'))}</select></div>`}
<div><label for="f-unit">${tr(v, 'unit')}</label><input type="text" id="f-unit" name="unit" list="f-unit-list" value="${f.unit ?? ''}"><datalist id="f-unit-list">${o.facets.units.map((u) => html`<option value="${u}"></option>`)}</datalist></div>
<div><label for="f-platform">${tr(v, 'platform')}</label><select id="f-platform" name="platform">${options(platforms, f.platform, (x) => platformName(v, x), tr(v, 'any'))}</select></div>
<div><label for="f-pel">${tr(v, 'violation')}</label><select id="f-pel" name="pelanggaran">${options(VIOLATION_TYPES, f.violation, (x) => violationName(v, x), tr(v, 'any'))}</select></div>
<div><label for="f-status">${tr(v, 'status')}</label><select id="f-status" name="status">${options(FINDING_STATUSES, f.status, (x) => statusName(v, x), tr(v, 'any'))}</select></div>
<div><label for="f-q">${tr(v, 'query')}</label><input type="search" id="f-q" name="q" value="${f.q ?? ''}"></div>
<div class="actions"><button type="submit">${tr(v, 'applyFilter')}</button><a href="/posko">${tr(v, 'clearFilter')}</a></div></form>
<p role="status">${tr(v, 'results', { n: o.result.total })}</p>
${o.result.total > 0 ? html`<p><a class="button" href="${exportHref}">${tr(v, 'exportFiltered')}</a></p>
<div class="scroll"><table class="cards"><thead><tr><th scope="col">${tr(v, 'asnName')}</th><th scope="col">${tr(v, 'nip')}</th><th scope="col">${tr(v, 'violations')}</th>
<th scope="col">${tr(v, 'platform')}</th><th scope="col">${tr(v, 'monitor')}</th><th scope="col">${tr(v, 'capturedAt')}</th><th scope="col">${tr(v, 'status')}</th><th scope="col">${tr(v, 'witnesses')}</th></tr></thead>
<tbody>${rows}</tbody></table></div>` : html`<p>${tr(v, 'noResults')}</p>`}
${pager(v, o.result.total, o.result.page, o.result.pageSize)}`;
  return layout(v, tr(v, 'inboxTitle'), body, { current: 'inbox' });
}

// ---------------------------------------------------------------- evidence

interface RecordLike {
  page?: { url?: string; title?: string };
  post?: { authorName?: string | null; text?: string | null; url?: string | null; postedAt?: string | null; postedAtLabel?: string | null } | null;
  comment?: { authorName?: string | null; text?: string | null; postedAtLabel?: string | null } | null;
  reaction?: { type?: string; actorName?: string | null } | null;
  subject?: { name?: string | null; nip?: string | null; agency?: string | null; position?: string | null; rank?: string | null; employmentType?: string; accountUrl?: string | null; handle?: string | null };
  violation?: { types?: string[]; gestures?: { type: string }[]; candidate?: string | null; election?: string | null; notes?: string | null };
  monitor?: { name?: string | null; unit?: string | null };
}

export interface CustodyView { at: string; action: string; actor: string | null; details?: unknown }

function custodyDetail(v: View, c: CustodyView): Part {
  const d = c.details;
  if (c.action === 'edit' && d && typeof d === 'object' && Array.isArray((d as { changes?: unknown }).changes)) {
    const paths = ((d as { changes: { path?: unknown }[] }).changes).map((x) => String(x.path ?? '')).filter(Boolean);
    return tr(v, 'changedFields', { fields: [...new Set(paths.map((x) => fieldLabel(v, x)))].join(', ') });
  }
  if (c.action === 'sync' && d && typeof d === 'object') {
    const r = (d as { receivedAt?: unknown }).receivedAt;
    return typeof r === 'string' ? `${tr(v, 'receivedAt')}: ${when(v, r, true)}` : '';
  }
  if (typeof d === 'string') return d.slice(0, 500);
  return '';
}

/** Record field paths in words (the edit list and the custody history); unknown paths as they are. */
const FIELD_LABELS: Record<string, WsKey> = {
  'subject.name': 'asnName', 'subject.nip': 'nip', 'subject.agency': 'agency', 'subject.position': 'position', 'subject.rank': 'rank',
  'subject.employmentType': 'employmentType', 'subject.accountUrl': 'accountUrl', 'subject.handle': 'handle',
  'violation.types': 'violations', 'violation.candidate': 'candidate', 'violation.election': 'election', 'violation.notes': 'notes',
  'violation.gestures': 'gestures', 'post.authorName': 'postAuthor', 'post.text': 'postText', 'post.url': 'postUrl', 'post.postedAt': 'postedAt',
  'comment.authorName': 'commentAuthor', 'comment.text': 'commentText', 'reaction.type': 'reactionType', 'reaction.actorName': 'reactionActor',
  'page.url': 'pageUrl', 'page.title': 'pageTitle', 'monitor.unit': 'monitorUnit',
};
export function fieldLabel(v: View, path: string): string {
  const key = FIELD_LABELS[path] ?? FIELD_LABELS[path.replace(/\.\d+$/, '')];
  return key ? tr(v, key) : path;
}

const fmtValue = (x: unknown): string => (x === null || x === undefined ? '' : typeof x === 'string' ? x : JSON.stringify(x));

export function evidencePage(v: View, o: {
  row: StoredEvidence; record: RecordLike; custody: CustodyView[]; finding: { id: number; status: FindingStatus } | null;
  proof: RecordProof | null; keyStatus: InstallationKey['status'] | null; receipt: ReceiptCheck | null; serverKeyKid: string;
  versions: EvidenceVersion[]; source: { text: string; truncatedAt: number | null } | null; isMonitor: boolean;
}): string {
  const r = o.record;
  const s = r.subject ?? {};
  const id = encodeURIComponent(o.row.id);
  const name = nameOr(v, s.name);
  const ks = o.keyStatus ?? 'unknown';
  const proofProblems = o.proof && !o.proof.ok ? o.proof.problems.map((p) => (v.lang === 'id' ? p.messageId : p.message)) : [];
  const summary = facts([
    [tr(v, 'asnName'), name], [tr(v, 'nip'), s.nip], [tr(v, 'agency'), s.agency], [tr(v, 'position'), s.position], [tr(v, 'rank'), s.rank],
    [tr(v, 'employmentType'), s.employmentType && s.employmentType !== 'unknown' ? extT(v.lang, `emp_${s.employmentType}` as MessageKey) : ''],
    [tr(v, 'accountUrl'), extLink(s.accountUrl)], [tr(v, 'handle'), s.handle],
    [tr(v, 'violations'), (r.violation?.types ?? []).map((x) => violationName(v, x)).join(', ') || tr(v, 'none')],
    [tr(v, 'platform'), `${platformName(v, o.row.platform)} · ${kindName(v, o.row.kind)}`],
    [tr(v, 'monitor'), o.row.monitor], [tr(v, 'monitorUnit'), r.monitor?.unit],
    [tr(v, 'capturedAt'), when(v, o.row.capturedAt, true)], [tr(v, 'receivedAt'), when(v, o.row.receivedAt, true)],
    [tr(v, 'finding'), o.finding ? (o.isMonitor ? statusName(v, o.finding.status)
      : html`<a href="/posko/temuan/${o.finding.id}">${tr(v, 'openFinding', { id: o.finding.id })}</a> (${statusName(v, o.finding.status)})`) : ''],
  ]);
  const fields = facts([
    [tr(v, 'pageUrl'), extLink(r.page?.url)], [tr(v, 'pageTitle'), r.page?.title],
    [tr(v, 'postAuthor'), r.post?.authorName], [tr(v, 'postText'), r.post?.text], [tr(v, 'postUrl'), extLink(r.post?.url)],
    [tr(v, 'postedAt'), r.post?.postedAt ? when(v, r.post.postedAt) : r.post?.postedAtLabel],
    [tr(v, 'commentAuthor'), r.comment?.authorName], [tr(v, 'commentText'), r.comment?.text],
    [tr(v, 'reactionType'), r.reaction?.type], [tr(v, 'reactionActor'), r.reaction?.actorName],
    [tr(v, 'candidate'), r.violation?.candidate], [tr(v, 'election'), r.violation?.election], [tr(v, 'notes'), r.violation?.notes],
    [tr(v, 'gestures'), (r.violation?.gestures ?? []).map((g) => g.type).join(', ')],
  ]);
  const edits = o.proof?.changes ?? [];
  const body = html`<h2>${tr(v, 'sectionSummary')}</h2>${summary}
<h2>${tr(v, 'sectionScreenshot')}</h2>
<figure><img src="/posko/bukti/${id}/gambar" alt="${tr(v, 'screenshotAlt', { name })}"></figure>
${o.row.fullPath ? html`<p><a href="/posko/bukti/${id}/gambar-penuh">${tr(v, 'fullScreenshot')}</a></p>` : ''}
<h2>${tr(v, 'sectionFields')}</h2>${fields}
<h2>${tr(v, 'sectionEdited')}</h2>
${edits.length ? html`<div class="scroll"><table class="cards"><thead><tr><th scope="col">${tr(v, 'fieldPath')}</th><th scope="col">${tr(v, 'capturedValue')}</th><th scope="col">${tr(v, 'currentValue')}</th><th scope="col">${tr(v, 'changedAt')}</th><th scope="col">${tr(v, 'changedBy')}</th></tr></thead><tbody>
${edits.map((c) => html`<tr><td data-label="${tr(v, 'fieldPath')}">${fieldLabel(v, c.path)}</td><td data-label="${tr(v, 'capturedValue')}" class="wrap">${fmtValue(c.captured)}</td><td data-label="${tr(v, 'currentValue')}" class="wrap">${fmtValue(c.current)}</td><td data-label="${tr(v, 'changedAt')}">${when(v, c.at)}</td><td data-label="${tr(v, 'changedBy')}">${c.actor ?? ''}</td></tr>`)}
</tbody></table></div>` : html`<p>${tr(v, 'noEdits')}</p>`}
<h2>${tr(v, 'sectionSignature')}</h2>
${o.proof?.ok ? html`<p>${tr(v, 'sigOk')}</p>` : html`<div class="msg err"><p>${tr(v, 'sigBad')}</p><ul class="plain">${proofProblems.map((p) => html`<li>${p}</li>`)}</ul></div>`}
${facts([[tr(v, 'sigKey'), html`<span class="mono">${o.row.keyId}</span>`], [tr(v, 'keyStatus'), tr(v, `ks_${ks}` as WsKey)]])}
<h2>${tr(v, 'sectionReceipt')}</h2>
${o.receipt === null ? html`<p>${tr(v, 'receiptMissing')}</p>` : o.receipt.ok
    ? html`<p>${tr(v, 'receiptOk')}</p>${facts([[tr(v, 'receivedAt'), when(v, o.receipt.body.receivedAt, true)],
      [tr(v, 'receiptKey'), html`<span class="mono">${o.receipt.serverKeyId}</span> (${tr(v, o.receipt.serverKeyId === o.serverKeyKid ? 'receiptThisServer' : 'receiptOtherServer')})`]])}`
    : html`<div class="msg err"><p>${tr(v, 'receiptBad')} ${v.lang === 'id' ? o.receipt.reasonId : o.receipt.reason}</p></div>`}
<h2>${tr(v, 'sectionCustody')}</h2>
<div class="scroll"><table class="cards"><thead><tr><th scope="col">${tr(v, 'custodyAt')}</th><th scope="col">${tr(v, 'custodyAction')}</th><th scope="col">${tr(v, 'custodyActor')}</th><th scope="col">${tr(v, 'custodyDetail')}</th></tr></thead><tbody>
${o.custody.map((c) => html`<tr><td data-label="${tr(v, 'custodyAt')}" class="nw">${when(v, c.at, true)}</td><td data-label="${tr(v, 'custodyAction')}">${['capture', 'edit', 'save', 'sync', 'export', 'import', 'delete'].includes(c.action) ? tr(v, `ca_${c.action}` as WsKey) : c.action}</td><td data-label="${tr(v, 'custodyActor')}">${c.actor ?? ''}</td><td data-label="${tr(v, 'custodyDetail')}" class="wrap">${custodyDetail(v, c)}</td></tr>`)}
</tbody></table></div>
<h2>${tr(v, 'sectionVersions')}</h2>
<ul class="plain"><li>${tr(v, 'versionCurrent', { n: o.row.version, at: when(v, o.row.amendedAt ?? o.row.receivedAt) })}</li>
${[...o.versions].reverse().map((x) => html`<li>${tr(v, 'versionOld', { n: x.version, at: when(v, x.receivedAt), until: when(v, x.supersededAt) })}</li>`)}</ul>
<h2>${tr(v, 'sectionSource')}</h2>
${o.source ? html`<p>${tr(v, 'sourceNote')} <a href="/posko/bukti/${id}/sumber" download>${tr(v, 'sourceDownload')}</a></p>
${o.source.truncatedAt !== null ? html`<p class="hint">${tr(v, 'sourceTruncated', { n: o.source.truncatedAt })}</p>` : ''}
<pre class="source" tabindex="0" aria-label="${tr(v, 'sectionSource')}">${o.source.text}</pre>` : html`<p>${tr(v, o.row.sourcePath ? 'fileMissing' : 'sourceMissing')}</p>`}`;
  return layout(v, tr(v, 'evidenceTitle', { name }), body, { current: 'inbox' });
}

// ---------------------------------------------------------------- register

function byViolationText(v: View, m: Record<string, number>): string {
  return Object.entries(m).filter(([, n]) => n > 0).map(([k, n]) => `${violationName(v, k)}: ${n}`).join(', ');
}

export function registerPage(v: View, o: { q: string; openOnly: boolean; result: Page<SubjectSummary> }): string {
  const rows = o.result.items.map((s) => {
    const overdue = s.nextDeadline !== null && Date.parse(s.nextDeadline) < Date.now();
    return html`<tr${overdue ? raw(' class="row-overdue"') : ''}>
<td data-label="${tr(v, 'asnName')}" class="long"><a href="/posko/asn/${s.id}">${clip(nameOr(v, s.name))}</a>${s.agency ? html`<br><span class="hint">${clip(s.agency)}</span>` : ''}</td>
<td data-label="${tr(v, 'nip')}" class="nw">${s.nip ?? ''}</td>
<td data-label="${tr(v, 'findings')}">${s.findings}</td>
<td data-label="${tr(v, 'perViolation')}">${byViolationText(v, s.byViolation)}</td>
<td data-label="${tr(v, 'firstAt')}" class="nw">${when(v, s.firstAt)}</td>
<td data-label="${tr(v, 'lastAt')}" class="nw">${when(v, s.lastAt)}</td>
<td data-label="${tr(v, 'monitors')}">${clip(s.monitors.join(', '), 200)}</td>
<td data-label="${tr(v, 'openFindings')}">${s.open}</td>
<td data-label="${tr(v, 'nextDeadline')}">${deadlineText(v, s.nextDeadline)}</td></tr>`;
  });
  const body = html`<p>${tr(v, 'registerIntro')}</p>
<form class="filter" method="get" action="/posko/asn">
<div><label for="f-q">${tr(v, 'registerSearch')}</label><input type="search" id="f-q" name="q" value="${o.q}"></div>
<div class="check"><input type="checkbox" id="f-open" name="terbuka" value="1"${o.openOnly ? raw(' checked') : ''}> <label for="f-open">${tr(v, 'openOnly')}</label></div>
<div><button type="submit">${tr(v, 'search')}</button></div></form>
${o.result.items.length ? html`<div class="scroll"><table class="cards"><thead><tr><th scope="col">${tr(v, 'asnName')}</th><th scope="col">${tr(v, 'nip')}</th><th scope="col">${tr(v, 'findings')}</th><th scope="col">${tr(v, 'perViolation')}</th>
<th scope="col">${tr(v, 'firstAt')}</th><th scope="col">${tr(v, 'lastAt')}</th><th scope="col">${tr(v, 'monitors')}</th><th scope="col">${tr(v, 'openFindings')}</th><th scope="col">${tr(v, 'nextDeadline')}</th></tr></thead>
<tbody>${rows}</tbody></table></div>` : html`<p>${tr(v, 'noSubjects')}</p>`}
${pager(v, o.result.total, o.result.page, o.result.pageSize)}`;
  return layout(v, tr(v, 'registerTitle'), body, { current: 'register' });
}

function findingsTable(v: View, findings: Finding[]): Html {
  return html`<div class="scroll"><table class="cards"><thead><tr><th scope="col">${tr(v, 'finding')}</th><th scope="col">${tr(v, 'status')}</th><th scope="col">${tr(v, 'violations')}</th><th scope="col">${tr(v, 'platform')}</th>
<th scope="col">${tr(v, 'firstCaptured')}</th><th scope="col">${tr(v, 'deadline')}</th><th scope="col">${tr(v, 'witnesses')}</th></tr></thead><tbody>
${findings.map((f) => html`<tr><td data-label="${tr(v, 'finding')}"><a href="/posko/temuan/${f.id}">${tr(v, 'findingTitle', { id: f.id })}</a></td>
<td data-label="${tr(v, 'status')}">${statusName(v, f.status)}${f.forwardedTo ? html`<br><span class="hint">${receiverName(v, f.forwardedTo)}${f.letterNumber ? ` · ${f.letterNumber}` : ''}</span>` : ''}${f.sanction ? html`<br><span class="hint">${tr(v, 'sanction')}: ${f.sanction}</span>` : ''}</td>
<td data-label="${tr(v, 'violations')}">${f.violations.map((x) => violationName(v, x)).join(', ')}</td>
<td data-label="${tr(v, 'platform')}">${platformName(v, f.platform)} · ${kindName(v, f.kind)}</td>
<td data-label="${tr(v, 'firstCaptured')}" class="nw">${when(v, f.firstCapturedAt)}</td>
<td data-label="${tr(v, 'deadline')}">${deadlineText(v, f.deadline)}</td>
<td data-label="${tr(v, 'witnesses')}"><ul class="plain">${f.witnesses.map((w) => html`<li><a href="/posko/bukti/${encodeURIComponent(w.evidenceId)}">${w.monitor}, ${when(v, w.capturedAt)}</a></li>`)}</ul></td></tr>`)}
</tbody></table></div>`;
}

export function subjectPage(v: View, o: { detail: SubjectDetail; canChange: boolean; error?: string }): string {
  const s = o.detail.subject;
  const name = nameOr(v, s.name);
  const body = html`${o.error ? notice('error', o.error) : ''}
${facts([[tr(v, 'subjectNumber', { id: s.id }), name], [tr(v, 'nip'), s.nip], [tr(v, 'agency'), s.agency], [tr(v, 'accountUrl'), extLink(s.accountUrl)],
    [tr(v, 'findings'), String(s.findings)], [tr(v, 'records'), String(s.records)], [tr(v, 'perViolation'), byViolationText(v, s.byViolation)],
    [tr(v, 'firstAt'), when(v, s.firstAt)], [tr(v, 'lastAt'), when(v, s.lastAt)], [tr(v, 'monitors'), s.monitors.join(', ')],
    [tr(v, 'openFindings'), String(s.open)], [tr(v, 'nextDeadline'), deadlineText(v, s.nextDeadline)]])}
<p><a class="button" href="/posko/asn/${s.id}/ekspor">${tr(v, 'exportSubject')}</a></p>
<h2>${tr(v, 'historyTitle')}</h2>
${o.detail.findings.length ? findingsTable(v, o.detail.findings) : html`<p>${tr(v, 'none')}</p>`}
${s.mergedFrom.length ? html`<h2>${tr(v, 'mergedFromTitle')}</h2><ul class="plain">${s.mergedFrom.map((m) => html`<li>${tr(v, 'subjectNumber', { id: m })}
${o.canChange ? html`<form class="inline" method="post" action="/posko/asn/${s.id}/pisah">${csrfField(v)}<input type="hidden" name="dari" value="${m}"><button type="submit" class="secondary">${tr(v, 'splitSubject', { id: m })}</button></form>` : ''}</li>`)}</ul>` : ''}
${o.canChange ? html`<h2>${tr(v, 'mergeSubjectTitle')}</h2><p class="hint" id="merge-hint">${tr(v, 'mergeSubjectHint')}</p>
<form class="stack" method="post" action="/posko/asn/${s.id}/gabung">${csrfField(v)}
<div><label for="f-ke">${tr(v, 'targetSubject')}</label><input type="number" id="f-ke" name="ke" min="1" step="1" required aria-describedby="merge-hint"></div>
<div><button type="submit">${tr(v, 'mergeButton')}</button></div></form>` : ''}`;
  return layout(v, tr(v, 'subjectTitle', { name }), body, { current: 'register' });
}

// ---------------------------------------------------------------- finding

function auditTable(v: View, entries: AuditEntry[]): Html {
  if (!entries.length) return html`<p>${tr(v, 'noAudit')}</p>`;
  return html`<div class="scroll"><table class="cards"><thead><tr><th scope="col">${tr(v, 'auditSeq')}</th><th scope="col">${tr(v, 'auditAt')}</th><th scope="col">${tr(v, 'auditActor')}</th><th scope="col">${tr(v, 'auditAction')}</th><th scope="col">${tr(v, 'auditTarget')}</th><th scope="col">${tr(v, 'auditDetail')}</th></tr></thead><tbody>
${entries.map((e) => html`<tr><td data-label="${tr(v, 'auditSeq')}">${e.seq}</td><td data-label="${tr(v, 'auditAt')}" class="nw">${when(v, e.at, true)}</td>
<td data-label="${tr(v, 'auditActor')}">${e.actor} (${roleName(v, e.role)})</td><td data-label="${tr(v, 'auditAction')}">${auditActionName(v, e.action)}</td>
<td data-label="${tr(v, 'auditTarget')}">${auditTargetName(v, e.target)}</td><td data-label="${tr(v, 'auditDetail')}" class="wrap">${auditDetail(v, e.detail)}</td></tr>`)}
</tbody></table></div>`;
}

/** Audit actions in words; the register's own names are matched loosely (status/merge/split). */
export function auditActionName(v: View, action: string): string {
  const a = action.toLowerCase().replace(/[^a-z]+/g, '.');
  const table: [RegExp, WsKey][] = [
    [/status/, 'aa_status'], [/subject.*merge|merge.*subject/, 'aa_subject_merge'], [/subject.*split|split.*subject/, 'aa_subject_split'],
    [/finding.*merge|merge.*finding/, 'aa_finding_merge'], [/finding.*split|split.*finding/, 'aa_finding_split'],
    [/token.*(issue|create)/, 'aa_token_issue'], [/token.*revoke/, 'aa_token_revoke'], [/key.*approve/, 'aa_key_approve'],
    [/key.*revoke/, 'aa_key_revoke'], [/person.*(add|create)/, 'aa_person_add'], [/person.*disable/, 'aa_person_disable'],
  ];
  const hit = table.find(([re]) => re.test(a));
  return hit ? tr(v, hit[1]) : tr(v, 'aa_other', { action });
}

const DETAIL_LABELS: Record<string, WsKey> = {
  from: 'detailFrom', to: 'detailTo', note: 'detailNote', receiver: 'receiver', on: 'forwardDate', letterNumber: 'letterNumber',
  sanction: 'sanction', reason: 'reason', monitor: 'monitor', role: 'role', label: 'tokenLabel',
};

function auditDetail(v: View, d: Record<string, unknown>): string {
  return Object.entries(d ?? {}).filter(([, x]) => x !== null && x !== undefined && x !== '').map(([k, x]) => {
    const label = DETAIL_LABELS[k] ? tr(v, DETAIL_LABELS[k]) : k;
    let val: string;
    if (typeof x === 'string') {
      val = (k === 'to' || k === 'from') ? statusName(v, x)
        : k === 'receiver' ? receiverName(v, x)
        : k === 'on' ? dateOnly(v, x)
        : k === 'role' && (['monitor', 'coordinator', 'auditor'] as string[]).includes(x) ? roleName(v, x as Role)
        : x;
    } else {
      val = typeof x === 'number' ? String(x) : JSON.stringify(x);
    }
    return `${label}: ${val}`;
  }).join('; ').slice(0, 2000);
}

/** An audit target ("finding:12", "subject:4", "token:ab12cd34", "key:<hex>", "person:budi") in words. */
export function auditTargetName(v: View, target: string): string {
  const m = /^([a-z]+):(.*)$/.exec(target);
  if (!m) return target;
  const [, kind, rest = ''] = m;
  if (kind === 'finding') return tr(v, 'findingTitle', { id: rest });
  if (kind === 'subject') return tr(v, 'subjectNumber', { id: rest });
  if (kind === 'token') return tr(v, 'targetToken', { id: rest });
  if (kind === 'key') return tr(v, 'targetKey', { id: `${rest.slice(0, 12)}…` });
  if (kind === 'person') return tr(v, 'targetPerson', { name: rest });
  return target;
}

function stepForm(v: View, f: Finding, to: FindingStatus): Html {
  const head = (key: WsKey) => html`<legend>${tr(v, key)}</legend>`;
  const note = html`<div><label for="n-${to}">${tr(v, 'note')}</label><input type="text" id="n-${to}" name="catatan" maxlength="2000"></div>`;
  const inner = {
    diverifikasi: html`${head('toVerified')}${note}`,
    baru: html`${head('toReopen')}${note}`,
    diteruskan: html`${head('toForwarded')}
<div><label for="r-${to}">${tr(v, 'receiver')}</label><select id="r-${to}" name="penerima" required>${options(RECEIVERS, undefined, (x) => receiverName(v, x), tr(v, 'chooseReceiver'))}</select></div>
<div><label for="d-${to}">${tr(v, 'forwardDate')}</label><input type="date" id="d-${to}" name="tanggal" required></div>
<div><label for="l-${to}">${tr(v, 'letterNumber')}</label><input type="text" id="l-${to}" name="nomor_surat" required maxlength="200"></div>${note}`,
    ditindaklanjuti: html`${head('toActed')}<div><label for="s-${to}">${tr(v, 'sanction')}</label><textarea id="s-${to}" name="sanksi" required maxlength="2000" rows="2"></textarea></div>${note}`,
    ditolak: html`${head('toRejected')}<div><label for="a-${to}">${tr(v, 'reason')}</label><textarea id="a-${to}" name="alasan" required maxlength="2000" rows="2"></textarea></div>`,
  }[to];
  return html`<form class="stack" method="post" action="/posko/temuan/${f.id}/status">${csrfField(v)}<input type="hidden" name="ke" value="${to}">
<fieldset>${inner}<div><button type="submit"${to === 'ditolak' ? raw(' class="danger"') : ''}>${tr(v, `btn_${to}`)}</button></div></fieldset></form>`;
}

export function findingPage(v: View, o: { finding: Finding; subjectName: string | null; audit: AuditEntry[]; canChange: boolean; error?: string; siblings?: readonly Finding[] }): string {
  const f = o.finding;
  /** the ASN's other findings: the only ones this one may be merged into */
  const siblings = (o.siblings ?? []).filter((x) => x.id !== f.id);
  const next = NEXT_STEPS[f.status] ?? [];
  const body = html`${o.error ? notice('error', o.error) : ''}
${facts([[tr(v, 'status'), statusName(v, f.status)], [tr(v, 'asnName'), html`<a href="/posko/asn/${f.subjectId}">${nameOr(v, o.subjectName)}</a>`],
    [tr(v, 'violations'), f.violations.map((x) => violationName(v, x)).join(', ')], [tr(v, 'platform'), `${platformName(v, f.platform)} · ${kindName(v, f.kind)}`],
    [tr(v, 'targetUrl'), extLink(f.targetUrl)], [tr(v, 'firstCaptured'), when(v, f.firstCapturedAt)], [tr(v, 'deadline'), deadlineText(v, f.deadline)],
    [tr(v, 'forwardedTo'), receiverName(v, f.forwardedTo)], [tr(v, 'forwardedOn'), dateOnly(v, f.forwardedOn)],
    [tr(v, 'letterNumber'), f.letterNumber], [tr(v, 'sanction'), f.sanction], [tr(v, 'rejectedReason'), f.rejectedReason]])}
<h2>${tr(v, 'witnesses')}</h2>
<div class="scroll"><table class="cards"><thead><tr><th scope="col">${tr(v, 'witnessMonitor')}</th><th scope="col">${tr(v, 'capturedAt')}</th><th scope="col">${tr(v, 'receivedAt')}</th><th scope="col">${tr(v, 'witnessEvidence')}</th></tr></thead><tbody>
${f.witnesses.map((w) => html`<tr><td data-label="${tr(v, 'witnessMonitor')}">${w.monitor}</td><td data-label="${tr(v, 'capturedAt')}" class="nw">${when(v, w.capturedAt, true)}</td><td data-label="${tr(v, 'receivedAt')}" class="nw">${when(v, w.receivedAt, true)}</td>
<td data-label="${tr(v, 'witnessEvidence')}"><a href="/posko/bukti/${encodeURIComponent(w.evidenceId)}">${tr(v, 'openEvidence')}</a></td></tr>`)}
</tbody></table></div>
${o.canChange ? html`<h2>${tr(v, 'nextSteps')}</h2>${next.length ? next.map((to) => stepForm(v, f, to)) : html`<p>${tr(v, 'noNextSteps')}</p>`}` : ''}
${f.mergedFrom.length ? html`<h2>${tr(v, 'mergedFromTitle')}</h2><ul class="plain">${f.mergedFrom.map((m) => html`<li>${tr(v, 'findingTitle', { id: m })}
${o.canChange ? html`<form class="inline" method="post" action="/posko/temuan/${f.id}/pisah">${csrfField(v)}<input type="hidden" name="dari" value="${m}"><button type="submit" class="secondary">${tr(v, 'splitFinding', { id: m })}</button></form>` : ''}</li>`)}</ul>` : ''}
${o.canChange ? html`<h2>${tr(v, 'mergeFindingTitle')}</h2>${siblings.length ? html`<p class="hint" id="mf-hint">${tr(v, 'mergeFindingHint')}</p>
<form class="stack" method="post" action="/posko/temuan/${f.id}/gabung">${csrfField(v)}
<div><label for="f-ke">${tr(v, 'targetFinding')}</label><select id="f-ke" name="ke" required aria-describedby="mf-hint">${siblings.map((x) => html`<option value="${x.id}">${tr(v, 'siblingFinding', {
    id: x.id, what: `${kindName(v, x.kind)} · ${platformName(v, x.platform)}`, date: when(v, x.firstCapturedAt), status: statusName(v, x.status), n: x.witnesses.length,
  })}</option>`)}</select></div>
<div><button type="submit">${tr(v, 'mergeButton')}</button></div></form>` : html`<p class="hint">${tr(v, 'noOtherFindings')}</p>`}` : ''}
<h2>${tr(v, 'auditTitle')}</h2>${auditTable(v, o.audit)}`;
  return layout(v, tr(v, 'findingTitle', { id: f.id }), body, { current: 'register' });
}

// ---------------------------------------------------------------- team

export function teamPage(v: View, o: {
  people: Person[]; tokens: IssuedToken[]; keys: InstallationKey[]; audit: Page<AuditEntry>;
  verify: { ok: true; entries: number } | { ok: false; seq: number; problem: string }; canChange: boolean; error?: string; info?: string;
}): string {
  const c = o.canChange;
  const roleOptions = (sel?: Role) => options(['monitor', 'coordinator', 'auditor'], sel, (x) => roleName(v, x as Role));
  const body = html`${o.error ? notice('error', o.error) : ''}${o.info ? notice('ok', o.info) : ''}
<h2 id="orang">${tr(v, 'peopleTitle')}</h2>
<div class="scroll"><table class="cards"><thead><tr><th scope="col">${tr(v, 'username')}</th><th scope="col">${tr(v, 'displayName')}</th><th scope="col">${tr(v, 'role')}</th><th scope="col">${tr(v, 'monitor')}</th><th scope="col">${tr(v, 'createdAt')}</th><th scope="col">${tr(v, 'statePlain')}</th></tr></thead><tbody>
${o.people.map((p) => html`<tr><td data-label="${tr(v, 'username')}">${p.username}</td><td data-label="${tr(v, 'displayName')}">${p.displayName}</td><td data-label="${tr(v, 'role')}">${roleName(v, p.role)}</td>
<td data-label="${tr(v, 'monitor')}">${p.role === 'monitor' ? (p.monitor ?? p.username) : ''}</td><td data-label="${tr(v, 'createdAt')}">${when(v, p.createdAt)}</td>
<td data-label="${tr(v, 'statePlain')}">${p.disabledAt ? tr(v, 'disabled', { at: when(v, p.disabledAt) }) : html`${tr(v, 'active')}${c && p.username !== v.who?.username ? html` <form class="inline" method="post" action="/posko/tim/orang/nonaktif">${csrfField(v)}<input type="hidden" name="username" value="${p.username}"><button type="submit" class="secondary" aria-label="${tr(v, 'disablePerson')}: ${p.username}">${tr(v, 'disablePerson')}</button></form>` : ''}`}</td></tr>`)}
</tbody></table></div>
${c ? html`<form class="stack" method="post" action="/posko/tim/orang">${csrfField(v)}<fieldset><legend>${tr(v, 'addPersonTitle')}</legend>
<div><label for="p-user">${tr(v, 'username')}</label><input type="text" id="p-user" name="username" required maxlength="64" autocomplete="off"></div>
<div><label for="p-name">${tr(v, 'displayName')}</label><input type="text" id="p-name" name="displayName" required maxlength="200" autocomplete="off"></div>
<div><label for="p-role">${tr(v, 'role')}</label><select id="p-role" name="role">${roleOptions('monitor')}</select></div>
<div><label for="p-mon">${tr(v, 'monitorName')}</label><input type="text" id="p-mon" name="monitor" maxlength="200" aria-describedby="p-mon-hint"><p class="hint" id="p-mon-hint">${tr(v, 'monitorNameHint')}</p></div>
<div><label for="p-pass">${tr(v, 'initialPassword')}</label><input type="password" id="p-pass" name="password" required minlength="${MIN_PASSWORD_LENGTH}" autocomplete="new-password" aria-describedby="p-pass-hint"><p class="hint" id="p-pass-hint">${tr(v, 'passwordHint', { n: MIN_PASSWORD_LENGTH })}</p></div>
<div><button type="submit">${tr(v, 'addPersonButton')}</button></div></fieldset></form>` : ''}
<h2 id="token">${tr(v, 'tokensTitle')}</h2>
${o.tokens.length ? html`<div class="scroll"><table class="cards"><thead><tr><th scope="col">${tr(v, 'tokenId')}</th><th scope="col">${tr(v, 'monitor')}</th><th scope="col">${tr(v, 'role')}</th><th scope="col">${tr(v, 'tokenLabel')}</th><th scope="col">${tr(v, 'createdAt')}</th><th scope="col">${tr(v, 'statePlain')}</th></tr></thead><tbody>
${o.tokens.map((t) => html`<tr><td data-label="${tr(v, 'tokenId')}" class="mono">${t.id}</td><td data-label="${tr(v, 'monitor')}">${t.monitor}</td><td data-label="${tr(v, 'role')}">${roleName(v, t.role)}</td><td data-label="${tr(v, 'tokenLabel')}">${t.label}</td>
<td data-label="${tr(v, 'createdAt')}">${when(v, t.createdAt)} (${t.createdBy})</td>
<td data-label="${tr(v, 'statePlain')}">${t.revokedAt ? tr(v, 'revoked', { at: when(v, t.revokedAt), by: t.revokedBy ?? '' }) : html`${tr(v, 'active')}${c ? html` <form class="inline" method="post" action="/posko/tim/token/cabut">${csrfField(v)}<input type="hidden" name="id" value="${t.id}"><button type="submit" class="danger" aria-label="${tr(v, 'revoke')}: ${t.monitor} ${t.id}">${tr(v, 'revoke')}</button></form>` : ''}`}</td></tr>`)}
</tbody></table></div>` : html`<p>${tr(v, 'noTokens')}</p>`}
${c ? html`<form class="stack" method="post" action="/posko/tim/token">${csrfField(v)}<fieldset><legend>${tr(v, 'issueTokenTitle')}</legend>
<div><label for="t-mon">${tr(v, 'monitor')}</label><input type="text" id="t-mon" name="monitor" required maxlength="200"></div>
<div><label for="t-role">${tr(v, 'role')}</label><select id="t-role" name="role">${roleOptions('monitor')}</select></div>
<div><label for="t-label">${tr(v, 'tokenLabel')}</label><input type="text" id="t-label" name="label" maxlength="200"></div>
<div><button type="submit">${tr(v, 'issueTokenButton')}</button></div></fieldset></form>` : ''}
<h2 id="kunci">${tr(v, 'keysTitle')}</h2><p>${tr(v, 'keysIntro')}</p>
${o.keys.length ? html`<div class="scroll"><table class="cards"><thead><tr><th scope="col">${tr(v, 'monitor')}</th><th scope="col">${tr(v, 'keyId')}</th><th scope="col">${tr(v, 'firstSeen')}</th><th scope="col">${tr(v, 'statePlain')}</th></tr></thead><tbody>
${o.keys.map((k) => html`<tr><td data-label="${tr(v, 'monitor')}">${k.monitor}</td><td data-label="${tr(v, 'keyId')}" class="mono">${k.keyId.slice(0, 16)}…</td><td data-label="${tr(v, 'firstSeen')}">${when(v, k.firstSeenAt)}</td>
<td data-label="${tr(v, 'statePlain')}">${tr(v, `ks_${k.status}` as WsKey)}${k.decidedAt ? html`<br><span class="hint">${tr(v, 'decided', { at: when(v, k.decidedAt), by: k.decidedBy ?? '' })}</span>` : ''}
${c ? html`<div class="actions">${k.status !== 'approved' ? html`<form method="post" action="/posko/tim/kunci">${csrfField(v)}<input type="hidden" name="kunci" value="${k.keyId}"><input type="hidden" name="keputusan" value="approved"><button type="submit" aria-label="${tr(v, 'approve')}: ${k.monitor}">${tr(v, 'approve')}</button></form>` : ''}
${k.status !== 'revoked' ? html`<form method="post" action="/posko/tim/kunci">${csrfField(v)}<input type="hidden" name="kunci" value="${k.keyId}"><input type="hidden" name="keputusan" value="revoked"><button type="submit" class="danger" aria-label="${tr(v, 'revoke')}: ${k.monitor}">${tr(v, 'revoke')}</button></form>` : ''}</div>` : ''}</td></tr>`)}
</tbody></table></div>` : html`<p>${tr(v, 'noKeys')}</p>`}
<h2 id="audit">${tr(v, 'auditLogTitle')}</h2>
${o.verify.ok ? notice('ok', tr(v, 'auditOk', { n: o.verify.entries })) : notice('error', tr(v, 'auditBad', { seq: o.verify.seq, problem: o.verify.problem }))}
${auditTable(v, o.audit.items)}
${pager(v, o.audit.total, o.audit.page, o.audit.pageSize, 'audit_hal')}`;
  return layout(v, tr(v, 'teamTitle'), body, { current: 'team' });
}

export function newTokenPage(v: View, o: { token: string; issued: IssuedToken }): string {
  const body = html`${notice('ok', tr(v, 'newTokenOnce'))}
<p id="tok-label"><strong>${tr(v, 'newTokenField')}</strong> (${roleName(v, o.issued.role)}, ${tr(v, 'tokenId')} <span class="mono">${o.issued.id}</span>)</p>
<p class="token" id="token" aria-labelledby="tok-label">${o.token}</p>
<p class="hint">${tr(v, 'newTokenCopyHint')}</p>
<p><a href="/posko/tim#token">${tr(v, 'backToTeam')}</a></p>`;
  return layout(v, tr(v, 'newTokenTitle', { monitor: o.issued.monitor }), body, { current: 'team' });
}
