import { COPY_BUTTON_SCRIPT_PATH } from './assets/copy-button-script';
import { STYLE_SHEET_PATH } from './assets/style-sheet';
import { copy } from './copy';
import { html, type SafeHtml } from './html';

export interface LayoutOptions {
  /** `card`: the narrow box of the sign-in, consent and error pages (default); `wide`: the dashboard's pages. */
  readonly width?: 'card' | 'wide';
  /** A header above the page (the dashboard's navigation). */
  readonly header?: SafeHtml;
  /** Load the Copy buttons' script (pages that show a secret once). */
  readonly copyButtons?: boolean;
}

/**
 * The frame of every page. The style sheet (and, where a secret is shown, the Copy buttons' script)
 * is served by Countersign and allowed by the page's nonce (http/page-response.ts); nothing loads from
 * elsewhere. A skip link leads keyboard users past the header to the page's content.
 */
export function pageLayout(title: string, body: SafeHtml, nonce: string, options: LayoutOptions = {}): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · ${copy.product}</title>
<link rel="stylesheet" href="${STYLE_SHEET_PATH}" nonce="${nonce}">
${options.copyButtons ? html`<script src="${COPY_BUTTON_SCRIPT_PATH}" nonce="${nonce}" defer></script>` : ''}
</head>
<body>
<a class="skip" href="#main">${copy.skipToContent}</a>
${options.header ?? ''}
<main id="main"${options.width === 'wide' ? '' : html` class="card"`}>
${body}
</main>
<footer>${copy.product}</footer>
</body>
</html>`;
}
