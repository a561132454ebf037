import { html, type SafeHtml } from '../html';
import { dashboardCopy } from './dashboard-copy';
import { type DashboardFrame, dashboardLayout } from './dashboard-layout';
import { csrfField } from './form-fields';

/**
 * The step before a change that cannot be undone (deleting an app or a credential): what it ends, a
 * button that does it (a POST with its CSRF token) and a way back. Plain HTML: no script, no dialog.
 */
export function confirmPage(
  frame: DashboardFrame,
  p: { readonly title: string; readonly warning: string; readonly action: string; readonly confirm: string; readonly cancelTo: string },
): SafeHtml {
  return dashboardLayout(
    frame,
    p.title,
    html`<h1>${p.title}</h1>
<p class="warning">${p.warning}</p>
<form method="post" action="${p.action}">${csrfField(frame.csrfToken)}
<div class="buttons"><button class="danger primary" type="submit">${p.confirm}</button>
<a href="${p.cancelTo}">${dashboardCopy.confirm.cancel}</a></div></form>`,
  );
}
