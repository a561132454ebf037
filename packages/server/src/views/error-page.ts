import { copy } from './copy';
import { html, type SafeHtml } from './html';
import { pageLayout } from './page-layout';

/** The 400 page for authorization requests that must not redirect (unknown client, bad redirect URI). */
export function errorPage(props: { title: string; detail: string; nonce: string }): SafeHtml {
  return pageLayout(
    copy.error.title,
    html`<h1>${copy.error.title}</h1>
<p class="error" role="alert"><strong>${props.title}.</strong> ${props.detail}</p>
<p class="hint">${copy.error.back}</p>`,
    props.nonce,
  );
}
