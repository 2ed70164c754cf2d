import type { Utm } from '../../../db/schema/index.js';

/**
 * Link handling for one rendered message: UTM parameters appended, destinations swapped for
 * click-tracking URLs, an open pixel added. Works on the rendered HTML with two regular
 * expressions rather than a parser: it runs once per recipient, and the only thing touched is
 * the value of href attributes on <a> tags (and bare URLs in the text part).
 */

const HREF = /(<a\b[^>]*?\bhref\s*=\s*)(["'])(.*?)\2/gis;
const TEXT_URL = /https?:\/\/[^\s<>()[\]"']+/g;

const decodeAttribute = (value: string) =>
  value.includes('&') ? value.replace(/&amp;/g, '&').replace(/&#38;/g, '&') : value;
const encodeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

const UTM_KEYS = ['source', 'medium', 'campaign', 'term', 'content'] as const;

export interface LinkPlan {
  /** URLs never rewritten: the message's own unsubscribe, preferences and web-view links. */
  keep: ReadonlySet<string>;
  utm: Utm | null;
}

/** Adds the campaign's UTM parameters to an http(s) URL, leaving ones already set alone. */
export function withUtm(url: string, utm: Utm | null): string {
  if (!utm) return url;
  // The conventional order, whatever order the settings were stored in.
  const entries = UTM_KEYS.map((key) => [key, utm[key]] as const).filter(
    ([, v]) => typeof v === 'string' && v !== '',
  );
  if (entries.length === 0) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  for (const [key, value] of entries) {
    const name = `utm_${key}`;
    if (!parsed.searchParams.has(name)) parsed.searchParams.set(name, value as string);
  }
  return parsed.toString();
}

const isTrackable = (url: string, plan: LinkPlan) =>
  /^https?:\/\//i.test(url) && !plan.keep.has(url);

/** The destinations a message links to (after UTM), for the campaign's link table. */
export function destinations(html: string, text: string, plan: LinkPlan): string[] {
  const found = new Set<string>();
  for (const match of html.matchAll(HREF)) {
    const url = decodeAttribute(match[3]!.trim());
    if (isTrackable(url, plan)) found.add(withUtm(url, plan.utm));
  }
  for (const match of text.matchAll(TEXT_URL)) {
    if (isTrackable(match[0], plan)) found.add(withUtm(match[0], plan.utm));
  }
  return [...found];
}

/**
 * Rewrites the message's links: UTM, then click tracking when `track` gives a URL for the
 * destination (it gives none for links it does not know, which then keep their UTM only).
 */
export function rewriteLinks(
  html: string,
  text: string,
  plan: LinkPlan,
  track: ((destination: string) => string | null) | null,
): { html: string; text: string } {
  const swap = (url: string) => {
    const destination = withUtm(url, plan.utm);
    return track?.(destination) ?? destination;
  };
  const outHtml = html.replace(HREF, (whole, before: string, quote: string, value: string) => {
    const url = decodeAttribute(value.trim());
    if (!isTrackable(url, plan)) return whole;
    return `${before}${quote}${encodeAttribute(swap(url))}${quote}`;
  });
  const outText = text.replace(TEXT_URL, (url) => (isTrackable(url, plan) ? swap(url) : url));
  return { html: outHtml, text: outText };
}

/** The open pixel, just before </body> (or at the end). */
export function withOpenPixel(html: string, pixelUrl: string): string {
  const pixel = `<img src="${encodeAttribute(pixelUrl)}" width="1" height="1" alt="" style="display:block;border:0;width:1px;height:1px" />`;
  const at = html.search(/<\/body\s*>/i);
  return at === -1 ? html + pixel : html.slice(0, at) + pixel + html.slice(at);
}
