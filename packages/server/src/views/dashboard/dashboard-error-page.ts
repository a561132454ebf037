import { html, type SafeHtml } from '../html';
import { pageLayout } from '../page-layout';
import { publicHeader } from '../public-header';
import { dashboardCopy } from './dashboard-copy';

/** A dashboard request that cannot be answered with its page: not found, not allowed, expired form, throttled, broken. */
export function dashboardErrorPage(p: { readonly title: string; readonly detail: string; readonly nonce: string }): SafeHtml {
  return pageLayout(
    p.title,
    html`<h1>${p.title}</h1>
<p class="error" role="alert">${p.detail}</p>
<p><a href="/dashboard">${dashboardCopy.errors.back}</a></p>`,
    p.nonce,
    { header: publicHeader() },
  );
}
