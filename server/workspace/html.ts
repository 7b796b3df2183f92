/**
 * HTML for the workspace: one escape helper and a tagged template that escapes every interpolated
 * value unless it is already `Html` (made by this template or by `raw` for constant markup). Pages
 * therefore cannot forget to escape a name, an address or a page's source.
 */
import { formatHuman, zoneAbbreviation } from '../../lib/export/time';
import { wt, type WsKey, type WsLang } from './messages';

/** Escapes text for element content and quoted attributes; NUL becomes U+FFFD (as a parser would). */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"'`\0]/g, (c) => (c === '\0' ? '\uFFFD' : `&#${c.charCodeAt(0)};`));
}

export class Html {
  constructor(readonly s: string) {}
  toString(): string {
    return this.s;
  }
}

export type Part = Html | string | number | null | undefined | false | readonly Part[];

function render(v: Part): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof Html) return v.s;
  if (Array.isArray(v)) return (v as readonly Part[]).map(render).join('');
  return esc(v);
}

/** html`<p>${text}</p>`: interpolations are escaped (arrays joined, null/false dropped). */
export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + (strings[i + 1] ?? '');
  return new Html(out);
}

/** Constant markup only (never data). */
export const raw = (s: string): Html => new Html(s);

/** An http(s) address as a link that opens outside the workspace; anything else as text. */
export function extLink(url: string | null | undefined, text?: string): Html {
  if (!url) return html``;
  if (!/^https?:\/\//i.test(url)) return html`<span class="wrap">${url}</span>`;
  return html`<a class="wrap" href="${url}" rel="noopener noreferrer nofollow" target="_blank">${text ?? url}</a>`;
}

/** Long text cut for list cells (the detail page shows all of it). */
export function clip(s: string | null | undefined, max = 120): string {
  if (!s) return '';
  const chars = [...s];
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : s;
}

/** What every page knows about the request. */
export interface View {
  lang: WsLang;
  tz: string;
  /** the signed-in person, null on the sign-in page */
  who: { name: string; username: string; role: 'monitor' | 'coordinator' | 'auditor' } | null;
  csrf: string | null;
  /** the path and query of this page (for the language switch) */
  path: string;
  query: URLSearchParams;
}

export const tr = (v: View, key: WsKey, params?: Record<string, string | number>): string => wt(v.lang, key, params);

export function when(v: View, iso: string | null | undefined, seconds = false): string {
  if (!iso) return '';
  return formatHuman(iso, v.lang, v.tz, { seconds });
}

export function zoneName(v: View): string {
  return zoneAbbreviation(new Date().toISOString(), v.tz, v.lang);
}

/** Hidden CSRF field for a form. */
export function csrfField(v: View): Html {
  return html`<input type="hidden" name="_csrf" value="${v.csrf ?? ''}">`;
}

function langSwitchHref(v: View): string {
  const q = new URLSearchParams(v.query);
  q.set('lang', v.lang === 'id' ? 'en' : 'id');
  return `${v.path}?${q.toString()}`;
}

export function layout(v: View, title: string, body: Html, opts: { current?: 'inbox' | 'register' | 'team' } = {}): string {
  const other = v.lang === 'id' ? 'en' : 'id';
  const nav = v.who
    ? html`<nav aria-label="${tr(v, 'navMain')}"><ul>
<li><a href="/posko"${opts.current === 'inbox' ? raw(' aria-current="page"') : ''}>${tr(v, 'navInbox')}</a></li>
${v.who.role !== 'monitor' ? html`<li><a href="/posko/asn"${opts.current === 'register' ? raw(' aria-current="page"') : ''}>${tr(v, 'navRegister')}</a></li>
<li><a href="/posko/tim"${opts.current === 'team' ? raw(' aria-current="page"') : ''}>${tr(v, 'navTeam')}</a></li>` : ''}
</ul></nav>
<div class="who"><span>${tr(v, 'signedInAs', { name: v.who.name, role: tr(v, `role_${v.who.role}`) })}</span>
<form method="post" action="/posko/keluar">${csrfField(v)}<button type="submit" class="link">${tr(v, 'signOut')}</button></form></div>`
    : '';
  const page = html`<!doctype html>
<html lang="${v.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${tr(v, 'appName')}</title><link rel="stylesheet" href="/posko/gaya.css"></head>
<body><a class="skip" href="#isi">${tr(v, 'skip')}</a>
<header class="top"><p class="brand">${tr(v, 'appName')}</p>${nav}
<a class="lang" href="${langSwitchHref(v)}" hreflang="${other}" lang="${other}" title="${tr(v, 'switchLangLabel')}">${tr(v, 'switchLang')}</a></header>
<main id="isi" tabindex="-1"><h1>${title}</h1>
${v.who?.role === 'auditor' ? html`<p class="note">${tr(v, 'readOnlyNote')}</p>` : ''}
${body}</main></body></html>
`;
  return page.s;
}

/** A message box (role=alert for errors, status for success). */
export function notice(kind: 'error' | 'ok', text: string): Html {
  return kind === 'error'
    ? html`<div class="msg err" role="alert"><p>${text}</p></div>`
    : html`<div class="msg ok" role="status"><p>${text}</p></div>`;
}

/** Pagination links that keep the query (param `hal`). */
export function pager(v: View, total: number, page: number, pageSize: number, param = 'hal'): Html {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return html``;
  const href = (p: number) => {
    const q = new URLSearchParams(v.query);
    q.delete('lang');
    q.set(param, String(p));
    return `${v.path}?${q.toString()}`;
  };
  return html`<nav class="pager" aria-label="${tr(v, 'pagination')}">
${page > 1 ? html`<a href="${href(page - 1)}" rel="prev">${tr(v, 'prevPage')}</a>` : ''}
<span>${tr(v, 'pageOf', { page, pages })}</span>
${page < pages ? html`<a href="${href(page + 1)}" rel="next">${tr(v, 'nextPage')}</a>` : ''}</nav>`;
}

/** Description list of labelled values (empty values are left out). */
export function facts(rows: readonly (readonly [string, Part])[]): Html {
  const shown = rows.filter(([, val]) => val !== null && val !== undefined && val !== '' && val !== false && !(val instanceof Html && val.s === ''));
  return html`<dl class="facts">${shown.map(([k, val]) => html`<div><dt>${k}</dt><dd>${val}</dd></div>`)}</dl>`;
}

/** Whole days from now until `iso` (negative: past). */
export function daysUntil(iso: string, now = Date.now()): number {
  return Math.floor((Date.parse(iso) - now) / 86_400_000);
}

/** A deadline with its state in words (not colour alone). */
export function deadlineText(v: View, iso: string | null): Html {
  if (!iso) return html``;
  const ms = Date.parse(iso) - Date.now();
  const days = Math.ceil(Math.abs(ms) / 86_400_000);
  if (ms < 0) return html`<span class="overdue">${when(v, iso)} (${tr(v, 'overdue', { n: days })})</span>`;
  return html`<span>${when(v, iso)} (${days <= 1 ? tr(v, 'dueToday') : tr(v, 'dueIn', { n: days })})</span>`;
}

export const CSS = `
*,*::before,*::after{box-sizing:border-box}
html{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#fff}
body{margin:0}
a{color:#0645ad}
a:visited{color:#5a2d91}
:focus-visible{outline:3px solid #b35c00;outline-offset:2px}
.skip{position:absolute;left:-9999px;top:0;background:#fff;padding:.5rem 1rem;z-index:10}
.skip:focus{left:.5rem}
.top{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center;padding:.6rem 1rem;background:#0b3d62;color:#fff}
.top a,.top a:visited,.top .link{color:#fff}
.brand{font-weight:700;margin:0;font-size:1.1rem}
.top nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:1rem;margin:0;padding:0}
.top [aria-current=page]{font-weight:700;text-decoration-thickness:3px}
.top :focus-visible{outline-color:#ffd27a}
.who{display:flex;gap:.75rem;align-items:center;margin-left:auto;flex-wrap:wrap}
.who form{margin:0}
.lang{white-space:nowrap}
main{padding:1rem;max-width:80rem;margin:0 auto}
main:focus{outline:none}
h1{font-size:1.5rem;margin:.5rem 0 1rem}
h2{font-size:1.2rem;margin:1.5rem 0 .5rem;border-bottom:1px solid #ccc}
h3{font-size:1.05rem;margin:1rem 0 .4rem}
.note,.msg{padding:.6rem .9rem;border-left:5px solid #0b3d62;background:#eef4f9;margin:.5rem 0 1rem}
.msg p,.note{margin:.2rem 0}
.msg.err{border-color:#a4000f;background:#fdecee}
.msg.ok{border-color:#1d6b2f;background:#e9f6ec}
form.filter,form.stack{display:grid;grid-template-columns:repeat(auto-fill,minmax(14rem,1fr));gap:.6rem 1rem;align-items:end;margin:0 0 1rem}
form.stack{grid-template-columns:1fr;max-width:32rem}
fieldset{border:1px solid #bbb;padding:.6rem .9rem;margin:0 0 1rem}
legend{font-weight:700;padding:0 .3rem}
label{display:block;font-weight:600;font-size:.95rem}
.check label{display:inline;font-weight:400}
input,select,textarea,button{font:inherit}
input[type=text],input[type=password],input[type=date],input[type=number],input[type=search],select,textarea{display:block;width:100%;padding:.4rem .5rem;border:1px solid #767676;border-radius:3px;background:#fff;color:#1a1a1a}
button,.button{display:inline-block;padding:.45rem .9rem;border:1px solid #0b3d62;border-radius:3px;background:#0b3d62;color:#fff;cursor:pointer;text-decoration:none}
a.button:visited{color:#fff}
button.secondary{background:#fff;color:#0b3d62}
button.danger{background:#a4000f;border-color:#a4000f}
button.link{background:none;border:none;padding:0;text-decoration:underline;color:inherit}
.hint{font-size:.9rem;color:#4a4a4a;margin:.1rem 0}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:.5rem 0 1rem}
.actions form{margin:0}
form.inline{display:inline;margin:0 0 0 .5rem}
.full{grid-column:1/-1;margin-top:0}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
th,td{border:1px solid #ccc;padding:.35rem .5rem;text-align:left;vertical-align:top;overflow-wrap:break-word}
th{background:#f0f0f0}
.nw{white-space:nowrap;overflow-wrap:normal}
.long{overflow-wrap:anywhere;min-width:12rem}
.scroll{overflow-x:auto}
.mono{font-family:ui-monospace,Consolas,monospace;font-size:.85rem;word-break:break-all}
.wrap{word-break:break-word;overflow-wrap:anywhere}
.overdue{color:#a4000f;font-weight:700}
.row-overdue td{background:#fff4f4}
.overdue::before{content:"\\26A0\\FE0E  "}
dl.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(16rem,1fr));gap:.3rem 1rem;margin:0 0 1rem}
dl.facts div{border-bottom:1px solid #e3e3e3;padding:.2rem 0}
dt{font-weight:600;font-size:.9rem;color:#333}
dd{margin:0;overflow-wrap:anywhere}
figure{margin:0 0 1rem}
figure img{max-width:100%;height:auto;border:1px solid #999}
pre.source{max-height:30rem;overflow:auto;background:#f6f6f6;border:1px solid #ccc;padding:.5rem;white-space:pre-wrap;word-break:break-all;font-size:.8rem}
.token{font-family:ui-monospace,Consolas,monospace;font-size:1.1rem;padding:.6rem;border:2px dashed #0b3d62;background:#fffbe6;word-break:break-all;user-select:all}
.pager{display:flex;gap:1rem;align-items:center;margin:1rem 0}
ul.plain{margin:0;padding-left:1.1rem}
@media (max-width:700px){
  html{font-size:15px}
  .who{margin-left:0}
  form.filter{grid-template-columns:1fr}
  table.cards,table.cards tbody,table.cards tr,table.cards td{display:block;width:100%}
  table.cards thead{position:absolute;left:-9999px}
  table.cards tr{border:1px solid #bbb;margin:0 0 .75rem;padding:.3rem .5rem}
  table.cards td.long{min-width:0}
  table.cards td{border:none;border-bottom:1px solid #eee;padding:.25rem 0}
  table.cards td::before{content:attr(data-label);display:block;font-weight:600;font-size:.85rem;color:#333}
}
`;
