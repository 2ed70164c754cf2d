const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '0.0.0.0']);

/**
 * The server builds links from PUBLIC_URL and, when that is unset, from localhost, which is
 * useless to whoever receives the link. Then the address this dashboard is open at is the best
 * guess of how teammates reach Herald.
 */
export function shareableLink(link: string, here: Location = window.location): string {
  try {
    const url = new URL(link);
    if (url.origin === here.origin || !LOOPBACK.has(url.hostname)) return link;
    return `${here.origin}${url.pathname}${url.search}`;
  } catch {
    return link;
  }
}
