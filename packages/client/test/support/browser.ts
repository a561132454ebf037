/**
 * Just enough of a browser to walk the sign-in and consent pages with `fetch`: a cookie jar, no
 * automatic redirects (the test follows them, and stops at the client's redirect URI), and forms
 * read generically — whatever hidden inputs, checkboxes and buttons a page has — so that the pages
 * may gain or rename fields without breaking these tests.
 */
export interface Page {
  readonly url: string;
  readonly status: number;
  readonly location: string | undefined;
  readonly html: string;
}

export interface FormInput {
  readonly name: string;
  readonly type: string;
  readonly value: string;
}

export interface Form {
  readonly action: string;
  readonly method: string;
  readonly inputs: readonly FormInput[];
  /** Submit buttons: their name, value and visible text. */
  readonly buttons: readonly { name: string; value: string; text: string }[];
}

const decodeEntities = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#x2F;|&#47;/g, '/')
    .replace(/&amp;/g, '&');

function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([a-zA-Z_:-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
    const name = m[1]?.toLowerCase();
    if (name) out[name] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return out;
}

/** Every form of a page, with its inputs and submit buttons. */
export function formsOf(html: string): Form[] {
  return [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)].map((m) => {
    const attrs = attributes(m[1] ?? '');
    const body = m[2] ?? '';
    const inputs = [...body.matchAll(/<input\b([^>]*)>/gi)]
      .map((i) => attributes(i[1] ?? ''))
      .filter((a) => a.name !== undefined)
      .map((a) => ({ name: a.name as string, type: (a.type ?? 'text').toLowerCase(), value: a.value ?? '' }));
    const buttons = [...body.matchAll(/<button\b([^>]*)>([\s\S]*?)<\/button>/gi)]
      .map((b) => ({ attrs: attributes(b[1] ?? ''), text: decodeEntities((b[2] ?? '').replace(/<[^>]*>/g, '').trim()) }))
      .filter((b) => (b.attrs.type ?? 'submit') === 'submit')
      .map((b) => ({ name: b.attrs.name ?? '', value: b.attrs.value ?? '', text: b.text }));
    return { action: attrs.action ?? '', method: (attrs.method ?? 'get').toLowerCase(), inputs, buttons };
  });
}

export class Browser {
  readonly #cookies = new Map<string, string>();

  #remember(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1);
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  async #request(url: string, init: RequestInit = {}): Promise<Page> {
    const headers = new Headers(init.headers);
    if (this.#cookies.size > 0) headers.set('cookie', [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual', signal: AbortSignal.timeout(30_000) });
    this.#remember(response);
    const location = response.headers.get('location');
    return { url, status: response.status, location: location ? new URL(location, url).href : undefined, html: await response.text() };
  }

  get(url: string): Promise<Page> {
    return this.#request(url);
  }

  /**
   * Fills the page's form that has the inputs named in `fill` by type (e.g. `{ email, password }`),
   * keeps every hidden input as the page set it, ticks every checkbox, and presses the button whose
   * text is `button` (or the only one).
   */
  submit(page: Page, fill: Record<string, string> = {}, button?: string): Promise<Page> {
    const form = formsOf(page.html).find((f) => Object.keys(fill).every((type) => f.inputs.some((i) => i.type === type)));
    if (!form)
      throw new Error(`no form with ${Object.keys(fill).join(', ')} inputs on ${page.url} (${page.status}):\n${page.html.slice(0, 2000)}`);
    const body = new URLSearchParams();
    for (const input of form.inputs) {
      if (input.type === 'hidden') body.append(input.name, input.value);
      else if (input.type === 'checkbox') body.append(input.name, input.value || 'on');
      else if (fill[input.type] !== undefined) body.append(input.name, fill[input.type] as string);
    }
    const pressed = button === undefined ? form.buttons[0] : form.buttons.find((b) => b.text === button);
    if (!pressed) throw new Error(`no button ${button} in the form of ${page.url}`);
    if (pressed.name) body.append(pressed.name, pressed.value);
    return this.#request(new URL(form.action, page.url).href, {
      method: form.method.toUpperCase(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    });
  }
}
