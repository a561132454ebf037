import { copy } from './copy';
import { html, type SafeHtml } from './html';
import { pageLayout } from './page-layout';

export interface ConsentPageProps {
  readonly appName: string;
  readonly ownerName: string;
  readonly signedInAs: string;
  /** Apps only: how the app presents itself (SPEC §1 app `description`, `homepage`). */
  readonly profile: { readonly description: string; readonly homepage: string } | undefined;
  /** The host the answer is sent to (the redirect URI's), so the person sees where they are going. */
  readonly redirectHost: string;
  /** Plain-language descriptions of the permissions, from the scope catalog. */
  readonly permissions: readonly string[];
  /** Apps only: one checkbox per store the person manages, ticked as given. */
  readonly stores: readonly { id: string; name: string; checked: boolean }[] | undefined;
  /** Why the stores' choice was refused (approved with none ticked), shown beside them. */
  readonly storesProblem?: string | undefined;
  /** The authorization request, carried through the form and validated again on submit. */
  readonly request: Readonly<Record<string, string>>;
  /** Who is signed in here (`staff` or `shopper`), for the sign-out form. */
  readonly audience: 'staff' | 'shopper';
  /** The authorization URL to come back to after signing out (it shows the sign-in page). */
  readonly returnTo: string;
  readonly csrfToken: string;
  readonly nonce: string;
}

function storesFieldset(p: ConsentPageProps): SafeHtml {
  if (!p.stores) return html``;
  const problem = p.storesProblem;
  return html`<fieldset${problem ? html` class="invalid" aria-describedby="stores-error" aria-invalid="true"` : ''}><legend>${copy.consent.stores}</legend>
${problem ? html`<p class="field-error" id="stores-error" role="alert">${problem}</p>` : ''}
${p.stores.map(
  (s) =>
    html`<label class="check"><input type="checkbox" name="store_${s.id}" value="on"${s.checked ? html` checked` : ''}><span>${s.name}</span></label>`,
)}
<p class="hint">${copy.consent.storesHint}</p></fieldset>`;
}

/**
 * SPEC §3: the app, its owner, its description and homepage, where the answer goes, its permissions
 * in plain words, the stores (apps), Approve and Deny.
 */
export function consentPage(p: ConsentPageProps): SafeHtml {
  return pageLayout(
    copy.consent.title(p.appName),
    html`<h1>${copy.consent.title(p.appName)}</h1>
<p class="sub">${copy.consent.by(p.ownerName)} · ${copy.consent.signedInAs(p.signedInAs)}</p>
${p.profile?.description ? html`<p>${p.profile.description}</p>` : ''}
${p.profile ? html`<p class="hint">${copy.consent.homepage}: <a href="${p.profile.homepage}" rel="noopener noreferrer" target="_blank">${p.profile.homepage}</a></p>` : ''}
<form method="post" action="/oauth/consent">
<input type="hidden" name="_csrf" value="${p.csrfToken}">
${Object.entries(p.request).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">\n`)}
<p>${copy.consent.wants}</p>
<ul>${p.permissions.length > 0 ? p.permissions.map((d) => html`<li>${d}</li>`) : html`<li>${copy.consent.noPermissions}</li>`}</ul>
${storesFieldset(p)}
<p class="hint">${copy.consent.returnsTo} <strong>${p.redirectHost}</strong>.</p>
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
