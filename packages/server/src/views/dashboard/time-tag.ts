import { html, type SafeHtml } from '../html';

const format = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

/** An ISO-8601 instant as people read it (UTC, said so), machine-readable in `datetime`. */
export function timeTag(iso: string): SafeHtml {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? html`${iso}` : html`<time datetime="${iso}">${format.format(at)} UTC</time>`;
}
