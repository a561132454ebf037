import { copy } from '../copy';
import { html, type SafeHtml } from '../html';
import { pageLayout } from '../page-layout';
import { dashboardCopy } from './dashboard-copy';
import { csrfField } from './form-fields';

export type DashboardSection = 'overview' | 'apps' | 'stores' | 'connected' | 'activity';

/** What every signed-in dashboard page has: who, the page's CSRF token and nonce, and a one-time notice. */
export interface DashboardFrame {
  readonly user: { readonly name: string; readonly email: string };
  readonly csrfToken: string;
  readonly nonce: string;
  readonly section: DashboardSection;
  /** A one-time message after a change (post/redirect/get). */
  readonly notice?: string | undefined;
}

const c = dashboardCopy.nav;
const SECTIONS: readonly [DashboardSection, string, string][] = [
  ['overview', '/dashboard', c.overview],
  ['apps', '/dashboard/apps', c.apps],
  ['stores', '/dashboard/stores', c.stores],
  ['connected', '/dashboard/connected-apps', c.connected],
  ['activity', '/dashboard/activity', c.activity],
];

/** The header of the dashboard: the sections, who is signed in, and sign-out (a POST with its CSRF token, SPEC §7). */
function dashboardHeader(frame: DashboardFrame): SafeHtml {
  return html`<header class="site-header"><div class="inner">
<a class="brand" href="/">${copy.product}</a>
<nav aria-label="${c.label}"><ul>${SECTIONS.map(
    ([section, href, label]) => html`<li><a href="${href}"${section === frame.section ? html` aria-current="page"` : ''}>${label}</a></li>`,
  )}</ul></nav>
<div class="account"><span>${c.signedInAs(frame.user.name)}</span>
<form method="post" action="/dashboard/signout">${csrfField(frame.csrfToken)}<button class="link" type="submit">${c.signOut}</button></form></div>
</div></header>`;
}

/** A signed-in dashboard page: the header, the notice if any, then the page. */
export function dashboardLayout(frame: DashboardFrame, title: string, body: SafeHtml, options: { copyButtons?: boolean } = {}): SafeHtml {
  return pageLayout(
    title,
    html`${frame.notice ? html`<p class="notice" role="status">${frame.notice}</p>` : ''}
${body}`,
    frame.nonce,
    { width: 'wide', header: dashboardHeader(frame), copyButtons: options.copyButtons === true },
  );
}
