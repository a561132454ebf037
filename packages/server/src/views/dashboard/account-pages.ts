import { html, type SafeHtml } from '../html';
import { pageLayout } from '../page-layout';
import { publicHeader } from '../public-header';
import { dashboardCopy } from './dashboard-copy';
import { csrfField, type FormState, problemSummary, textField } from './form-fields';

const c = dashboardCopy;

interface AccountFormProps {
  readonly form: FormState;
  /** A one-line message above the form (a failed sign-in, a throttle, signed out). */
  readonly message?: { readonly kind: 'error' | 'notice'; readonly text: string } | undefined;
  /** Where to go after signing in: a dashboard path. */
  readonly next: string;
  readonly csrfToken: string;
  readonly nonce: string;
}

const messageOf = (m: AccountFormProps['message']) =>
  m === undefined ? '' : html`<p class="${m.kind}" role="${m.kind === 'error' ? 'alert' : 'status'}">${m.text}</p>`;

/** `GET /dashboard/signin`: the staff sign-in of SPEC §3, for the dashboard. */
export function dashboardSignInPage(p: AccountFormProps & { readonly signUpOpen: boolean }): SafeHtml {
  return pageLayout(
    c.signIn.title,
    html`<h1>${c.signIn.title}</h1>
<p class="sub">${c.signIn.lead}</p>
${messageOf(p.message)}
<form method="post" action="/dashboard/signin" novalidate>
${csrfField(p.csrfToken)}
<input type="hidden" name="next" value="${p.next}">
${textField(p.form, { name: 'email', label: c.signIn.email, type: 'email', autocomplete: 'username', required: true, autofocus: true })}
${textField(p.form, { name: 'password', label: c.signIn.password, type: 'password', autocomplete: 'current-password', required: true, keepValue: false })}
<div class="buttons"><button class="primary" type="submit">${c.signIn.submit}</button></div>
</form>
${p.signUpOpen ? html`<p class="hint">${c.signIn.noAccount} <a href="/dashboard/signup">${c.signIn.signUp}</a></p>` : ''}`,
    p.nonce,
    { header: publicHeader() },
  );
}

/** `GET /dashboard/signup`: a developer opens an account (SPEC §7; COUNTERSIGN_SIGNUP). */
export function signUpPage(p: AccountFormProps): SafeHtml {
  return pageLayout(
    c.signUp.title,
    html`<h1>${c.signUp.title}</h1>
<p class="sub">${c.signUp.lead}</p>
${messageOf(p.message)}
${problemSummary(p.form, { name: c.signUp.name, email: c.signUp.email, password: c.signUp.password })}
<form method="post" action="/dashboard/signup" novalidate>
${csrfField(p.csrfToken)}
${textField(p.form, { name: 'name', label: c.signUp.name, autocomplete: 'name', required: true, autofocus: true })}
${textField(p.form, { name: 'email', label: c.signUp.email, type: 'email', autocomplete: 'email', required: true })}
${textField(p.form, {
  name: 'password',
  label: c.signUp.password,
  hint: c.signUp.passwordHint,
  type: 'password',
  autocomplete: 'new-password',
  required: true,
  keepValue: false,
})}
<div class="buttons"><button class="primary" type="submit">${c.signUp.submit}</button></div>
</form>
<p class="hint">${c.signUp.haveAccount} <a href="/dashboard/signin">${c.signUp.signIn}</a></p>`,
    p.nonce,
    { header: publicHeader() },
  );
}

/** COUNTERSIGN_SIGNUP=0: the sign-up page says so, and where accounts come from. */
export function signUpClosedPage(p: { readonly nonce: string }): SafeHtml {
  return pageLayout(
    c.signUp.closedTitle,
    html`<h1>${c.signUp.closedTitle}</h1>
<p>${c.signUp.closed}</p>
<p><a href="/dashboard/signin">${c.signUp.signIn}</a></p>`,
    p.nonce,
    { header: publicHeader() },
  );
}
