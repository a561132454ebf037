import { copy } from './copy';
import { html, raw, type SafeHtml } from './html';

const STYLE = `
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:#f5f6f8;color:#1d2330;margin:0}
main{max-width:26rem;margin:4rem auto;background:#fff;border-radius:12px;box-shadow:0 2px 12px rgba(0,0,0,.08);padding:2rem}
h1{font-size:1.35rem;margin:0 0 .25rem}
p.sub{color:#5b6475;margin:0 0 1.25rem}
label{display:block;margin:.75rem 0 .25rem;font-weight:600}
input[type=email],input[type=password]{width:100%;box-sizing:border-box;padding:.6rem;border:1px solid #c8cdd6;border-radius:8px;font-size:1rem}
ul{padding-left:1.2rem}
li{margin:.35rem 0}
fieldset{border:1px solid #dde1e8;border-radius:8px;margin:1rem 0;padding:.5rem 1rem}
fieldset label{font-weight:400;display:flex;gap:.5rem;align-items:center}
.buttons{display:flex;gap:.75rem;margin-top:1.5rem}
button{flex:1;padding:.7rem;border-radius:8px;border:1px solid #3b5bdb;font-size:1rem;cursor:pointer}
button.primary{background:#3b5bdb;color:#fff}
button.secondary{background:#fff;color:#3b5bdb}
button.link{flex:none;padding:0;border:0;background:none;color:#3b5bdb;text-decoration:underline;font-size:inherit}
.error{background:#fff0f0;border:1px solid #f3b7b7;color:#8a1f1f;padding:.6rem;border-radius:8px}
.hint{color:#5b6475;font-size:.9rem}
footer{color:#8a92a3;font-size:.8rem;text-align:center;margin-top:1.5rem}
`;

/** The frame of every page. The style sheet is inline and allowed by its nonce; nothing loads from elsewhere. */
export function pageLayout(title: string, body: SafeHtml, nonce: string): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · ${copy.product}</title>
<style nonce="${nonce}">${raw(STYLE)}</style>
</head>
<body>
<main>
${body}
</main>
<footer>${copy.product}</footer>
</body>
</html>`;
}
