import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/**
 * A minimal browser for inject() tests of the pages: keeps cookies, reads forms' hidden fields, posts
 * them back. The real browser (Chromium) drives the same pages in the playwright tests.
 */
export class PageSession {
  readonly cookies = new Map<string, string>();
  constructor(private readonly app: FastifyInstance) {}

  #remember(res: LightMyRequestResponse): void {
    const raw = res.headers['set-cookie'];
    for (const line of Array.isArray(raw) ? raw : raw ? [raw] : []) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  #cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({ method: 'GET', url, headers: { cookie: this.#cookieHeader() } });
    this.#remember(res);
    return res;
  }

  async post(url: string, fields: Record<string, string>): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({
      method: 'POST',
      url,
      headers: { cookie: this.#cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
    });
    this.#remember(res);
    return res;
  }

  /** The hidden inputs of the page's form. */
  static hiddenFields(html: string): Record<string, string> {
    const fields: Record<string, string> = {};
    for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
      fields[m[1]!] = m[2]!
        .replace(/&amp;/g, '&')
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>');
    }
    return fields;
  }

  /** Signs in on the sign-in page `res` shows, and follows the 303 back to the authorization request. */
  async signIn(page: LightMyRequestResponse, email: string, password: string): Promise<LightMyRequestResponse> {
    assert.equal(page.statusCode, 200, page.body);
    const posted = await this.post('/oauth/signin', { ...PageSession.hiddenFields(page.body), email, password });
    assert.equal(posted.statusCode, 303, posted.body);
    return this.get(posted.headers.location as string);
  }

  /** Submits the consent page `res` shows with `decision` (and store checkboxes), returning the 303. */
  async decide(page: LightMyRequestResponse, decision: 'approve' | 'deny', storeIds: string[] = []): Promise<LightMyRequestResponse> {
    assert.equal(page.statusCode, 200, page.body);
    const fields: Record<string, string> = { ...PageSession.hiddenFields(page.body), decision };
    for (const id of storeIds) fields[`store_${id}`] = 'on';
    return this.post('/oauth/consent', fields);
  }
}
