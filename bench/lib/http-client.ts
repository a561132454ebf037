/**
 * The few HTTP exchanges the harness makes itself, before the load: provisioning calls, a sign-in and
 * a consent through the pages, one token request. Never used to generate load.
 */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  remember(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || value === '') this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  /** The Cookie header, of every cookie or of those whose name passes `keep`. */
  header(keep: (name: string) => boolean = () => true): string {
    return [...this.#cookies]
      .filter(([k]) => keep(k))
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
  }
}

/** A GET or form POST that keeps cookies and never follows redirects. */
export async function page(jar: CookieJar, url: string, form?: Record<string, string>): Promise<Response> {
  const headers: Record<string, string> = { cookie: jar.header() };
  let body: string | undefined;
  if (form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(form).toString();
  }
  const res = await fetch(url, { method: form ? 'POST' : 'GET', headers, body, redirect: 'manual' });
  jar.remember(res);
  return res;
}

/** The hidden inputs of a page's form, unescaped. */
export function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[m[1] as string] = (m[2] as string)
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  }
  return fields;
}

export function basic(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

/** POST a form to a token endpoint; throws on anything but 200 (the message never holds the request). */
export async function tokenRequest(url: string, form: Record<string, string>, authorization?: string): Promise<Record<string, unknown>> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (authorization) headers.authorization = authorization;
  const res = await fetch(url, { method: 'POST', headers, body: new URLSearchParams(form).toString() });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`POST ${url}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** The provisioning API (SPEC §5) with the admin token. */
export function provisioningApi(origin: string, adminToken: string) {
  return async function post<T = Record<string, string>>(path: string, body: unknown): Promise<T> {
    const res = await fetch(`${origin}/provisioning/v1${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status !== 201) throw new Error(`POST /provisioning/v1${path}: ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  };
}
