import { versionedPath } from './versioned-path';

/**
 * The one style sheet of every page (SPEC §7: served by Countersign, nothing from elsewhere, no web
 * fonts). Plain CSS, mobile first: nothing is wider than the screen at 375 px, touch targets are at
 * least 44 px high, focus is always visible, colours keep WCAG AA contrast.
 */
export const STYLE_SHEET = `
:root{--ink:#1d2330;--muted:#535d6d;--line:#d7dce5;--soft:#f4f6f9;--card:#fff;--accent:#2f4fd1;--danger:#b42318;--ok:#17663a;--focus:#6d88ff;color-scheme:light}
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--soft);color:var(--ink)}
a{color:var(--accent);text-underline-offset:.15em}
a:hover{text-decoration-thickness:2px}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-9999px;top:.5rem;background:#fff;padding:.5rem 1rem;border-radius:8px;z-index:10}
.skip:focus{left:.5rem}
h1{font-size:1.5rem;line-height:1.25;margin:.25rem 0 .5rem}
h2{font-size:1.15rem;line-height:1.3;margin:1.75rem 0 .5rem}
h3{font-size:1rem;margin:0}
p{margin:.5rem 0}
.sub{color:var(--muted);margin:0 0 1rem}
.hint{color:var(--muted);font-size:.9rem;margin:.25rem 0}
main{display:block;margin:1.5rem auto;width:min(62rem,calc(100% - 2rem))}
main.card{width:min(28rem,calc(100% - 2rem));margin:2rem auto;background:var(--card);border-radius:12px;box-shadow:0 2px 12px rgba(0,0,0,.08);padding:1.5rem}
@media (max-width:30rem){main.card{margin:1rem auto;padding:1.25rem}}
footer{color:#6b7383;font-size:.85rem;text-align:center;margin:2rem 1rem 1.5rem}
.site-header{background:#fff;border-bottom:1px solid var(--line)}
.site-header .inner{width:min(62rem,calc(100% - 2rem));margin:0 auto;display:flex;flex-wrap:wrap;gap:.5rem 1.25rem;align-items:center;padding:.6rem 0}
.brand{font-weight:700;color:var(--ink);text-decoration:none;margin-right:auto}
.site-header nav{width:100%;order:3}
@media (min-width:48rem){.site-header nav{width:auto;order:0}}
.site-header nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem 1.1rem;margin:0;padding:0}
.site-header nav a{display:inline-block;padding:.35rem 0;text-decoration:none}
.site-header nav a[aria-current=page]{font-weight:700;box-shadow:inset 0 -2px 0 var(--accent)}
.account{display:flex;flex-wrap:wrap;align-items:center;gap:.25rem .75rem;color:var(--muted);font-size:.9rem}
.account form{margin:0}
label,.label{display:block;font-weight:600;margin:1rem 0 .25rem}
input[type=text],input[type=email],input[type=password],input[type=url],input[type=number],textarea,select{display:block;width:100%;padding:.6rem .7rem;border:1px solid #a9b1bf;border-radius:8px;font:inherit;background:#fff;color:inherit}
input[readonly],textarea[readonly]{background:var(--soft)}
textarea{min-height:6.5rem;resize:vertical}
[aria-invalid=true]{border-color:var(--danger)!important;box-shadow:0 0 0 1px var(--danger)}
.field-error{color:var(--danger);font-size:.9rem;font-weight:600;margin:.3rem 0 0}
fieldset{border:1px solid var(--line);border-radius:10px;margin:1rem 0;padding:.25rem 1rem .75rem;min-width:0}
legend{font-weight:600;padding:0 .3rem}
fieldset.invalid{border-color:var(--danger)}
.check{display:flex;gap:.65rem;align-items:flex-start;margin:.6rem 0;font-weight:400}
.check input{flex:none;width:1.15rem;height:1.15rem;margin:.2rem 0 0}
.check span{min-width:0}
.check small{display:block;color:var(--muted);font-size:.85rem}
.choices{display:grid;gap:0 1.25rem}
@media (min-width:48rem){.choices.two{grid-template-columns:1fr 1fr}}
.buttons{display:flex;flex-wrap:wrap;gap:.75rem;margin-top:1.5rem;align-items:center}
main.card .buttons>button{flex:1 1 8rem}
button,.button{display:inline-flex;align-items:center;justify-content:center;min-height:2.75rem;padding:.5rem 1.1rem;border-radius:8px;border:1px solid var(--accent);font:inherit;font-weight:600;cursor:pointer;text-decoration:none;background:#fff;color:var(--accent)}
button.primary,.button.primary{background:var(--accent);color:#fff}
button.danger,.button.danger{border-color:var(--danger);color:var(--danger)}
button.danger.primary{background:var(--danger);color:#fff}
button.link{min-height:0;padding:0;border:0;background:none;color:var(--accent);text-decoration:underline;font-weight:400}
button.small,.button.small{min-height:2.75rem;padding:.35rem .8rem;font-size:.9rem}
.notice,.error{padding:.75rem 1rem;border-radius:8px;margin:1rem 0}
.notice{background:#ecf8f0;border:1px solid #9fd2b2;color:var(--ok)}
.error{background:#fff1f0;border:1px solid #f1b0ab;color:#8a1f1f}
.error ul{margin:.25rem 0 0;padding-left:1.2rem}
.error a{color:#8a1f1f}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.92em;overflow-wrap:anywhere}
.copy-row{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-start}
.copy-row textarea{flex:1 1 16rem;min-width:0;min-height:0;resize:none;field-sizing:content;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9rem;word-break:break-all}
.copy-status{color:var(--ok);font-weight:600;min-height:1.5em;margin:.25rem 0}
.warning{background:#fff8e6;border:1px solid #e8c66b;color:#5c4300;padding:.75rem 1rem;border-radius:8px;margin:1rem 0}
.rows{list-style:none;padding:0;margin:1rem 0}
.rows>li{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:1rem;margin:.75rem 0}
.row-head{display:flex;flex-wrap:wrap;gap:.35rem 1rem;align-items:baseline;justify-content:space-between}
.row-head h2,.row-head h3{margin:0;font-size:1.05rem}
.tag{display:inline-block;border:1px solid var(--line);border-radius:999px;padding:0 .55rem;font-size:.8rem;color:var(--muted);background:var(--soft);white-space:nowrap}
.panel{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:1rem 1.25rem;margin:1rem 0}
.panel>h2:first-child{margin-top:.25rem}
dl.facts{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.35rem 1rem;margin:.75rem 0}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0;overflow-wrap:anywhere}
@media (max-width:36rem){dl.facts{grid-template-columns:minmax(0,1fr);gap:0}dl.facts dd{margin-bottom:.6rem}}
.tabs{display:flex;flex-wrap:wrap;gap:.25rem;border-bottom:1px solid var(--line);margin:1rem 0}
.tabs a{padding:.55rem 1rem;text-decoration:none;border:1px solid transparent;border-bottom:0;border-radius:8px 8px 0 0}
.tabs a[aria-current=page]{background:var(--card);border-color:var(--line);font-weight:600;margin-bottom:-1px}
.filters{display:grid;gap:0 1rem;align-items:end}
@media (min-width:40rem){.filters{grid-template-columns:1fr 1fr auto}}
.filters .buttons{margin-top:1rem}
.pager{display:flex;flex-wrap:wrap;justify-content:space-between;gap:1rem;margin:1rem 0}
.entry{display:grid;gap:.15rem}
.entry time{color:var(--muted);font-size:.9rem}
.scopes{list-style:none;padding:0;margin:0}
.scopes li{padding:.75rem 0;border-top:1px solid var(--line)}
.scopes li:first-child{border-top:0}
.links{list-style:none;padding:0;display:grid;gap:.75rem}
@media (min-width:48rem){.links{grid-template-columns:repeat(3,1fr)}}
.links a{display:block;height:100%;background:var(--card);border:1px solid var(--line);border-radius:12px;padding:1rem;text-decoration:none;color:var(--ink)}
.links a strong{color:var(--accent);display:block;margin-bottom:.25rem}
ul.plain{padding-left:1.2rem}
ul.plain li{margin:.3rem 0}
@media (prefers-reduced-motion:no-preference){a,button{transition:background-color .15s,box-shadow .15s}}
`;

export const STYLE_SHEET_PATH = versionedPath('/assets/countersign.css', STYLE_SHEET);
