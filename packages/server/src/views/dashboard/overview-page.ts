import { html, type SafeHtml } from '../html';
import { dashboardCopy } from './dashboard-copy';
import { type DashboardFrame, dashboardLayout } from './dashboard-layout';

const c = dashboardCopy;

/** `GET /dashboard`: where each part of the dashboard is, with what is in it. */
export function overviewPage(
  frame: DashboardFrame,
  p: { readonly apps: number; readonly stores: number; readonly connected: number },
): SafeHtml {
  const title = c.overview.title(frame.user.name);
  return dashboardLayout(
    frame,
    title,
    html`<h1>${title}</h1>
<ul class="links">
<li><a href="/dashboard/apps"><strong>${c.nav.apps}</strong>${c.overview.apps(p.apps)}</a></li>
<li><a href="/dashboard/stores"><strong>${c.nav.stores}</strong>${p.stores === 0 ? c.overview.noStores : c.overview.stores(p.stores)}</a></li>
<li><a href="/dashboard/connected-apps"><strong>${c.nav.connected}</strong>${c.overview.connected(p.connected)}</a></li>
</ul>`,
  );
}
