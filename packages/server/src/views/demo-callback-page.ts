import { html, type SafeHtml } from './html';
import { pageLayout } from './page-layout';

/** Where the demo webapp's authorizations land: shows what the client would receive. */
export function demoCallbackPage(p: { params: Readonly<Record<string, string>>; nonce: string }): SafeHtml {
  const rows = Object.entries(p.params);
  return pageLayout(
    'Demo callback',
    html`<h1>Demo callback</h1>
<p class="sub">This is what the demo webapp received. Exchange the code at POST /oauth/token within a minute.</p>
<ul>${rows.length > 0 ? rows.map(([k, v]) => html`<li><strong>${k}</strong>: <code>${v}</code></li>`) : html`<li>No parameters.</li>`}</ul>`,
    p.nonce,
  );
}
