import { copy } from './copy';
import { html, type SafeHtml } from './html';
import { pageLayout } from './page-layout';

export interface ConsentPageProps {
  readonly appName: string;
  readonly ownerName: string;
  readonly signedInAs: string;
  /** Plain-language descriptions of the permissions, from the scope catalog. */
  readonly permissions: readonly string[];
  /** Apps only: one checkbox per store the person manages. */
  readonly stores: readonly { id: string; name: string }[] | undefined;
  /** The authorization request, carried through the form and validated again on submit. */
  readonly request: Readonly<Record<string, string>>;
  /** Who is signed in here (`staff` or `shopper`), for the sign-out form. */
  readonly audience: 'staff' | 'shopper';
  /** The authorization URL to come back to after signing out (it shows the sign-in page). */
  readonly returnTo: string;
  readonly csrfToken: string;
  readonly nonce: string;
}

/** SPEC §3: the app, its owner, its permissions in plain words, the stores (apps), Approve and Deny. */
export function consentPage(p: ConsentPageProps): SafeHtml {
  return pageLayout(
    copy.consent.title(p.appName),
    html`<h1>${copy.consent.title(p.appName)}</h1>
<p class="sub">${copy.consent.by(p.ownerName)} · ${copy.consent.signedInAs(p.signedInAs)}</p>
<form method="post" action="/oauth/consent">
<input type="hidden" name="_csrf" value="${p.csrfToken}">
${Object.entries(p.request).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">\n`)}
<p>${copy.consent.wants}</p>
<ul>${p.permissions.length > 0 ? p.permissions.map((d) => html`<li>${d}</li>`) : html`<li>${copy.consent.noPermissions}</li>`}</ul>
${
  p.stores
    ? html`<fieldset><legend>${copy.consent.stores}</legend>
${p.stores.map((s) => html`<label><input type="checkbox" name="store_${s.id}" value="on"> ${s.name}</label>`)}
<p class="hint">${copy.consent.storesHint}</p></fieldset>`
    : ''
}
<div class="buttons">
<button class="secondary" type="submit" name="decision" value="deny">${copy.consent.deny}</button>
<button class="primary" type="submit" name="decision" value="approve">${copy.consent.approve}</button>
</div>
</form>
<form method="post" action="/oauth/signout" class="signout">
<input type="hidden" name="_csrf" value="${p.csrfToken}">
<input type="hidden" name="session" value="${p.audience}">
<input type="hidden" name="return_to" value="${p.returnTo}">
<p class="hint">${copy.consent.notYou} <button class="link" type="submit">${copy.consent.signOut}</button></p>
</form>`,
    p.nonce,
  );
}
