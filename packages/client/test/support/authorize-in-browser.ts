import { Browser, formsOf, type Page } from './browser.js';

/**
 * Walks a person through the authorization pages from `url` until the server redirects to
 * `redirectUri` (which is never fetched): signs in on a page with a password input, and on a page
 * without one presses `decision`. Consent may be skipped for a client approved before (SPEC §3).
 */
export async function authorizeInBrowser(
  url: string,
  redirectUri: string,
  person: { email: string; password: string },
  decision = 'Approve',
) {
  const browser = new Browser();
  let page: Page = await browser.get(url);
  for (let step = 0; step < 10; step++) {
    if (page.location?.startsWith(`${redirectUri}?`)) return new URL(page.location).searchParams;
    if (page.status >= 300 && page.status < 400 && page.location) {
      page = await browser.get(page.location);
    } else if (page.status === 200 && formsOf(page.html).some((f) => f.inputs.some((i) => i.type === 'password'))) {
      page = await browser.submit(page, { email: person.email, password: person.password });
    } else if (page.status === 200) {
      page = await browser.submit(page, {}, decision);
    } else {
      throw new Error(`unexpected ${page.status} from ${page.url}:\n${page.html.slice(0, 2000)}`);
    }
  }
  throw new Error('the authorization flow did not reach the redirect URI');
}
