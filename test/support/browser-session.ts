import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { TOTP } from 'otpauth';

/**
 * A cookie-keeping client over app.inject(), like a browser: it remembers cookies, reads the CSRF token
 * of the last page with a form, and posts forms with it (and a same-origin Origin header).
 */
export class TestBrowser {
  readonly cookies = new Map<string, string>();
  csrf = '';
  last: LightMyRequestResponse | null = null;

  constructor(
    private readonly app: FastifyInstance,
    private readonly origin = 'http://localhost:3000',
  ) {}

  private keep(res: LightMyRequestResponse) {
    for (const c of res.cookies as Array<{ name: string; value: string; maxAge?: number; expires?: Date }>) {
      const expired =
        c.value === '' || c.maxAge === 0 || (c.expires && c.expires.getTime() < Date.now() - 1000);
      if (expired) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    const m = /name="_csrf" value="([^"]+)"/.exec(res.body);
    if (m) this.csrf = m[1]!;
    this.last = res;
    return res;
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    return this.keep(
      await this.app.inject({ method: 'GET', url, cookies: Object.fromEntries(this.cookies) }),
    );
  }

  /** Posts a form as the browser would: urlencoded, with the page's CSRF token unless given. */
  async post(
    url: string,
    form: Record<string, string>,
    options: { origin?: string | null; csrf?: string | null; headers?: Record<string, string> } = {},
  ) {
    const body = new URLSearchParams({
      ...(options.csrf === null ? {} : { _csrf: options.csrf ?? this.csrf }),
      ...form,
    }).toString();
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      ...(options.headers ?? {}),
    };
    const origin = options.origin === undefined ? this.origin : options.origin;
    if (origin !== null) headers.origin = origin;
    return this.keep(
      await this.app.inject({
        method: 'POST',
        url,
        payload: body,
        headers,
        cookies: Object.fromEntries(this.cookies),
      }),
    );
  }
}

/** The current TOTP code of a base32 secret at the given time. */
export function totpCode(secret: string, at: Date): string {
  return new TOTP({ secret, digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: at.getTime() });
}
