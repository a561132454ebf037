import { html, type SafeHtml } from '../html';
import { dashboardCopy } from './dashboard-copy';

/**
 * A form as a person left it: what they typed, by field name, and the problems found with it, by
 * field name (`''` for the form as a whole). A page shown again keeps every value and shows each
 * problem beside its field, tied to it with `aria-describedby` and `aria-invalid` so that a screen
 * reader announces it too.
 */
export interface FormState {
  readonly values: Readonly<Record<string, string>>;
  readonly problems: Readonly<Record<string, readonly string[]>>;
}

export const emptyForm: FormState = { values: {}, problems: {} };

const fieldId = (name: string) => `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;

function described(name: string, hint: string | undefined, problems: readonly string[]) {
  const id = fieldId(name);
  const ids = [hint ? `${id}-hint` : '', problems.length > 0 ? `${id}-error` : ''].filter((x) => x !== '');
  return {
    id,
    hint: hint ? html`<p class="hint" id="${id}-hint">${hint}</p>` : '',
    error: problems.length > 0 ? html`<p class="field-error" id="${id}-error">${problems.join(' ')}</p>` : '',
    attributes: html`${ids.length > 0 ? html` aria-describedby="${ids.join(' ')}"` : ''}${problems.length > 0 ? html` aria-invalid="true"` : ''}`,
  };
}

export interface TextFieldProps {
  readonly name: string;
  readonly label: string;
  readonly hint?: string;
  readonly type?: 'text' | 'email' | 'password' | 'url' | 'number';
  readonly required?: boolean;
  readonly autocomplete?: string;
  readonly inputmode?: 'numeric' | 'url' | 'email';
  /** A password field never sends back what was typed. */
  readonly keepValue?: boolean;
  readonly autofocus?: boolean;
}

export function textField(form: FormState, p: TextFieldProps): SafeHtml {
  const d = described(p.name, p.hint, form.problems[p.name] ?? []);
  const value = p.keepValue === false ? '' : (form.values[p.name] ?? '');
  return html`<label for="${d.id}">${p.label}</label>${d.hint}${d.error}
<input id="${d.id}" name="${p.name}" type="${p.type ?? 'text'}" value="${value}"${p.required ? html` required` : ''}${
    p.autocomplete ? html` autocomplete="${p.autocomplete}"` : ''
  }${p.inputmode ? html` inputmode="${p.inputmode}"` : ''}${p.autofocus ? html` autofocus` : ''}${d.attributes}>`;
}

export function textArea(form: FormState, p: { name: string; label: string; hint?: string; rows?: number; required?: boolean }): SafeHtml {
  const d = described(p.name, p.hint, form.problems[p.name] ?? []);
  return html`<label for="${d.id}">${p.label}</label>${d.hint}${d.error}
<textarea id="${d.id}" name="${p.name}" rows="${p.rows ?? 4}" spellcheck="false"${p.required ? html` required` : ''}${d.attributes}>${
    form.values[p.name] ?? ''
  }</textarea>`;
}

export interface Choice {
  readonly value: string;
  readonly label: string;
  readonly detail?: string;
}

/**
 * Checkboxes, each posted as `<name>_<value>=on` (the form body parser refuses repeated fields, RFC
 * 6749 §3.2), grouped in a fieldset whose legend names them; problems are the group's (`name`).
 */
export function checkboxGroup(
  form: FormState,
  p: { name: string; legend: string; hint?: string; choices: readonly Choice[]; columns?: 2 },
): SafeHtml {
  const problems = form.problems[p.name] ?? [];
  const d = described(p.name, p.hint, problems);
  return html`<fieldset id="${d.id}"${problems.length > 0 ? html` class="invalid"` : ''}${d.attributes}>
<legend>${p.legend}</legend>${d.hint}${d.error}
<div class="choices${p.columns === 2 ? ' two' : ''}">${p.choices.map((c) => {
    const name = `${p.name}_${c.value}`;
    return html`<label class="check"><input type="checkbox" name="${name}" value="on"${form.values[name] === 'on' ? html` checked` : ''}><span>${c.label}${
      c.detail ? html`<small>${c.detail}</small>` : ''
    }</span></label>`;
  })}</div>
</fieldset>`;
}

export function radioGroup(form: FormState, p: { name: string; legend: string; hint?: string; choices: readonly Choice[] }): SafeHtml {
  const problems = form.problems[p.name] ?? [];
  const d = described(p.name, p.hint, problems);
  return html`<fieldset id="${d.id}"${problems.length > 0 ? html` class="invalid"` : ''}${d.attributes}>
<legend>${p.legend}</legend>${d.hint}${d.error}
${p.choices.map(
  (c) =>
    html`<label class="check"><input type="radio" name="${p.name}" value="${c.value}"${form.values[p.name] === c.value ? html` checked` : ''}><span>${c.label}${
      c.detail ? html`<small>${c.detail}</small>` : ''
    }</span></label>`,
)}
</fieldset>`;
}

export function checkbox(form: FormState, p: { name: string; label: string }): SafeHtml {
  return html`<label class="check"><input type="checkbox" name="${p.name}" value="on"${form.values[p.name] === 'on' ? html` checked` : ''}><span>${p.label}</span></label>`;
}

/**
 * Every problem at the top of the form, each a link to its field (so a keyboard or screen-reader user
 * can go straight there), besides the same problem shown beside the field.
 */
export function problemSummary(form: FormState, labels: Readonly<Record<string, string>>): SafeHtml {
  const entries = Object.entries(form.problems).filter(([, problems]) => problems.length > 0);
  if (entries.length === 0) return html``;
  return html`<div class="error" role="alert"><strong>${dashboardCopy.form.problemTitle}</strong>
<ul>${entries.map(([name, problems]) =>
    name === ''
      ? html`<li>${problems.join(' ')}</li>`
      : html`<li><a href="#${fieldId(name)}">${labels[name] ?? name}: ${problems.join(' ')}</a></li>`,
  )}</ul></div>`;
}

/** The CSRF token every form carries (SPEC §7). */
export const csrfField = (token: string): SafeHtml => html`<input type="hidden" name="_csrf" value="${token}">`;
