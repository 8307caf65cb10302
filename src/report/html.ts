// Small HTML builders for the report: escaping, tables, and images inlined as data: URIs so the page
// makes no request (it reads offline, prints, and survives being mailed as one file).
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A table with a header row; cells are text (escaped). */
export function htmlTable(header: string[], rows: string[][], className = ''): string {
  const head = `<tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table${className ? ` class="${className}"` : ''}>\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** A PNG or SVG file as a data: URI. */
export function imageDataUri(path: string): string {
  const type = extname(path).toLowerCase() === '.svg' ? 'image/svg+xml' : 'image/png';
  return `data:${type};base64,${readFileSync(path).toString('base64')}`;
}

/** A captioned figure of the image file at `path`, inlined. */
export function imageFigure(path: string, caption: string): string {
  return `<figure><img src="${imageDataUri(path)}" alt="${escapeHtml(caption)}"><figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}
