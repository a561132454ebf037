import { copy } from './copy';
import { html, type SafeHtml } from './html';
import { pageLayout } from './page-layout';

export interface SignInPageProps {
  readonly audience: 'staff' | 'shopper';
  readonly storeName: string;
  readonly appName: string;
  readonly returnTo: string;
  readonly csrfToken: string;
  readonly error: 'failed' | 'throttled' | undefined;
  readonly nonce: string;
}

/** Staff or shopper sign-in; posts to /oauth/signin, which answers 303 back to the authorization request. */
export function signInPage(p: SignInPageProps): SafeHtml {
  const title = p.audience === 'staff' ? copy.signIn.staffTitle : copy.signIn.shopperTitle(p.storeName);
  return pageLayout(
    title,
    html`<h1>${title}</h1>
<p class="sub">${copy.signIn.continueTo(p.appName)}</p>
${p.error ? html`<p class="error" role="alert">${p.error === 'failed' ? copy.signIn.failed : copy.signIn.throttled}</p>` : ''}
<form method="post" action="/oauth/signin">
<input type="hidden" name="_csrf" value="${p.csrfToken}">
<input type="hidden" name="audience" value="${p.audience}">
<input type="hidden" name="return_to" value="${p.returnTo}">
<label for="email">${copy.signIn.email}</label>
<input id="email" name="email" type="email" autocomplete="username" required autofocus>
<label for="password">${copy.signIn.password}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<div class="buttons"><button class="primary" type="submit">${copy.signIn.submit}</button></div>
</form>`,
    p.nonce,
  );
}
