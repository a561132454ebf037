import { html, type SafeHtml } from '../html';
import { dashboardCopy } from './dashboard-copy';
import { type DashboardFrame, dashboardLayout } from './dashboard-layout';
import { timeTag } from './time-tag';

const c = dashboardCopy.secret;

export interface SecretPageProps {
  readonly title: string;
  readonly clientId: string;
  /** The secret, shown this once (SPEC §5: secrets appear only in the answer that creates or rotates them). */
  readonly secret: string | undefined;
  /** After a rotation: until when the previous secret works (ISO-8601), or that it stopped now. */
  readonly previous?: { readonly until: string; readonly compromised: boolean } | undefined;
  /** Where to go next (the app or credential). */
  readonly continueTo: string;
}

/** The answer to a rotation (SPEC §5): the new secret, once, and until when the previous one works. */
export const rotatedSecretProps = (p: {
  readonly name: string;
  readonly clientId: string;
  readonly rotated: { readonly clientSecret: string; readonly previousSecretExpiresAt: string };
  readonly compromised: boolean;
  readonly continueTo: string;
}): SecretPageProps => ({
  title: c.rotatedTitle(p.name),
  clientId: p.clientId,
  secret: p.rotated.clientSecret,
  previous: { until: p.rotated.previousSecretExpiresAt, compromised: p.compromised },
  continueTo: p.continueTo,
});

/**
 * A read-only field with a Copy button (shown by the served script; the field can always be selected
 * by hand). A text area, so that the whole value wraps into view on a phone.
 */
function copyable(id: string, label: string, value: string, buttonLabel: string, rows: number): SafeHtml {
  return html`<label for="${id}">${label}</label>
<div class="copy-row secret"><textarea id="${id}" readonly rows="${rows}" autocomplete="off" spellcheck="false">${value}</textarea>
<button type="button" hidden data-copy="${id}" data-status="${id}-status" data-copied="${c.copied}" data-selected="${c.selected}" aria-label="${buttonLabel}">${c.copy}</button></div>
<p class="copy-status" id="${id}-status" role="status" aria-live="polite"></p>`;
}

/**
 * The answer to creating or rotating a client (SPEC §7: the client id and the 72-character secret
 * shown once, with a copy button). Sent `no-store` like every page, so no cache keeps the secret.
 */
export function secretPage(frame: DashboardFrame, p: SecretPageProps): SafeHtml {
  return dashboardLayout(
    frame,
    p.title,
    html`<h1>${p.title}</h1>
${p.secret === undefined ? html`<p>${c.noSecret}</p>` : html`<p class="warning" role="alert">${c.once}</p>`}
<div class="panel">
${copyable('client-id', c.clientId, p.clientId, c.copyClientId, 2)}
${p.secret === undefined ? '' : copyable('client-secret', c.clientSecret, p.secret, c.copySecret, 3)}
${
  p.previous === undefined
    ? ''
    : html`<p>${p.previous.compromised ? c.stoppedNow : html`${c.overlapUntil} ${timeTag(p.previous.until)}.`}</p>`
}
</div>
<p><a class="button primary" href="${p.continueTo}">${c.continue}</a></p>`,
    { copyButtons: true },
  );
}
