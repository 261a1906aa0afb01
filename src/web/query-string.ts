import { parse } from 'fast-querystring';

/**
 * The query string as routes read it: one string per key. A key sent twice (`?token=a&token=b`) would
 * otherwise arrive as an array where every route expects a string (and one once answered 500); no page of
 * Kyoso asks for a key more than once, so the first value counts. Keys and values that are not valid
 * percent-encoding are kept as sent; the object has no prototype (no `__proto__` games).
 */
export function parseQueryString(input: string): Record<string, string> {
  const parsed = parse(input) as Record<string, string | string[]>;
  for (const key of Object.keys(parsed)) {
    const v = parsed[key];
    if (Array.isArray(v)) parsed[key] = v[0] ?? '';
  }
  return parsed as Record<string, string>;
}
