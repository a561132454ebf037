import { copy } from './copy';
import { html, type SafeHtml } from './html';

/** The header of the pages anyone may see (landing, scope reference, dashboard sign-in and sign-up). */
export function publicHeader(): SafeHtml {
  const c = copy.siteNav;
  return html`<header class="site-header"><div class="inner"><a class="brand" href="/">${copy.product}</a>
<nav aria-label="${c.label}"><ul><li><a href="/dashboard">${c.dashboard}</a></li><li><a href="/docs/scopes">${c.scopes}</a></li></ul></nav></div></header>`;
}
