import { versionedPath } from './versioned-path';

/**
 * The Copy buttons beside a secret shown once (SPEC §7), served by Countersign and run under the
 * page's nonce. Without it the page still works: the buttons stay hidden and the secret can be
 * selected by hand. Every word comes from the page (data attributes), so all copy stays in copy.ts.
 * The clipboard API needs a secure context (https, or 127.0.0.1 in development); elsewhere the field
 * is selected so that the person can copy it themselves.
 */
export const COPY_BUTTON_SCRIPT = `'use strict';
for (const button of document.querySelectorAll('button[data-copy]')) {
  const field = document.getElementById(button.dataset.copy);
  const status = document.getElementById(button.dataset.status);
  if (!field || !status) continue;
  button.hidden = false;
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(field.value);
      status.textContent = button.dataset.copied;
    } catch {
      field.focus();
      field.select();
      status.textContent = button.dataset.selected;
    }
  });
}
`;

export const COPY_BUTTON_SCRIPT_PATH = versionedPath('/assets/copy-button.js', COPY_BUTTON_SCRIPT);
