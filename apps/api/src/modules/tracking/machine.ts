/**
 * Opens and clicks made by machines rather than people: mail-privacy proxies that fetch every
 * image on delivery (Apple Mail Privacy Protection) and security scanners that follow every link.
 * They are recorded, flagged, and counted apart so open and click rates stay about people.
 */

const SCANNER_AGENTS =
  /(barracuda|proofpoint|mimecast|symantec|trendmicro|forcepoint|sophos|fortiguard|safelinks|microsoft office protocol discovery|bingpreview|slackbot|linkpreview|headlesschrome|phantomjs|python-requests|python-urllib|go-http-client|curl\/|wget\/|okhttp|java\/|libwww|httpclient|scrapy|bot\b|crawler|spider|scanner|urldefense|appengine-google|yahoo! slurp|amazonses)/i;

/** Apple's network: Mail Privacy Protection fetches images from 17.0.0.0/8. */
const APPLE_PROXY = /^(::ffff:)?17\.\d+\.\d+\.\d+$/;

export interface Hit {
  userAgent: string | undefined;
  ip: string | undefined;
  method: string;
}

export function isMachineOpen(hit: Hit): boolean {
  const ua = hit.userAgent ?? '';
  if (ua === '' || SCANNER_AGENTS.test(ua)) return true;
  // MPP presents a generic "Mozilla/5.0" without any browser or mail client token.
  if (hit.ip && APPLE_PROXY.test(hit.ip)) return true;
  return false;
}

/** Scanners probe with HEAD or identify themselves; too-fast clicks are caught in SQL. */
export function isMachineClick(hit: Hit): boolean {
  if (hit.method === 'HEAD') return true;
  const ua = hit.userAgent ?? '';
  return ua === '' || SCANNER_AGENTS.test(ua);
}
