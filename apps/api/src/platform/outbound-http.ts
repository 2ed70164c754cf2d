import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP } from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * HTTP requests to URLs that customers typed (webhook endpoints, the flow "webhook call" step).
 *
 * Such a URL must not reach Herald's own network: the host is resolved once, every address is
 * checked, and the connection goes to the checked address (Host header and TLS SNI keep the
 * name), so a DNS answer that changes between check and connect cannot swap in a private address.
 * Redirects are never followed: a 3xx is returned as it is, and webhook callers count it as a
 * failure — following one would mean re-checking a second, attacker-chosen URL for little gain.
 */

export type OutboundErrorCode =
  'invalid_url' | 'blocked_address' | 'timeout' | 'too_large' | 'network';

export class OutboundRequestError extends Error {
  constructor(
    readonly code: OutboundErrorCode,
    message: string,
    /** Time spent before the failure, for delivery logs. */
    readonly durationMs = 0,
  ) {
    super(message);
    this.name = 'OutboundRequestError';
  }
}

export interface OutboundRequestOptions {
  url: string;
  /** (Default: 'GET', or 'POST' when a body is given) */
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Deadline for the whole exchange: DNS, connect, TLS, response headers and body. (Default: 10000) */
  timeoutMs?: number;
  /** Response bytes read; the rest is not read. (Default: 65536) */
  maxResponseBytes?: number;
  /** 'truncate' returns the first maxResponseBytes; 'error' fails with too_large. (Default: 'truncate') */
  onOversize?: 'truncate' | 'error';
  /**
   * Hostnames (`hooks.internal`, `*.corp.example`), IP addresses and CIDRs (`10.0.0.0/8`) that may
   * be reached although they are private. Callers pass config's `WEBHOOK_ALLOWED_HOSTS`. (Default: [])
   */
  allow?: readonly string[];
  /** Resolves a hostname to addresses; tests swap it to play DNS. (Default: the system resolver) */
  resolve?: (hostname: string) => Promise<string[]>;
}

export interface OutboundResponse {
  status: number;
  headers: Record<string, string>;
  /** UTF-8 text of at most maxResponseBytes. */
  body: string;
  isTruncated: boolean;
  durationMs: number;
  /** The address actually connected to. */
  address: string;
}

export const OUTBOUND_DEFAULT_TIMEOUT_MS = 10_000;
export const OUTBOUND_DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * Everything that is not a public unicast address: loopback, RFC 1918, CGNAT, link-local (cloud
 * metadata lives at 169.254.169.254), multicast, unspecified, reserved and documentation ranges,
 * and IPv6 forms that embed or translate to IPv4 (mapped, NAT64, 6to4, Teredo), ULA, site-local.
 */
const BLOCKED_RANGES: readonly [string, number, 'ipv4' | 'ipv6'][] = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.0.2.0', 24, 'ipv4'],
  ['192.88.99.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['198.51.100.0', 24, 'ipv4'],
  ['203.0.113.0', 24, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'],
  ['240.0.0.0', 4, 'ipv4'],
  ['::', 96, 'ipv6'],
  ['::ffff:0:0', 96, 'ipv6'],
  ['64:ff9b::', 96, 'ipv6'],
  ['64:ff9b:1::', 48, 'ipv6'],
  ['100::', 64, 'ipv6'],
  ['2001::', 32, 'ipv6'],
  ['2001:db8::', 32, 'ipv6'],
  ['2002::', 16, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['fec0::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
];

// One list per family: BlockList matches IPv4 against IPv4-mapped IPv6 rules, so a single list
// holding ::ffff:0:0/96 would refuse every IPv4 address.
const blocked = { ipv4: new BlockList(), ipv6: new BlockList() };
for (const [network, prefix, type] of BLOCKED_RANGES)
  blocked[type].addSubnet(network, prefix, type);

interface AllowList {
  hosts: Set<string>;
  suffixes: string[];
  addresses: BlockList;
}

const allowListCache = new Map<string, AllowList>();

/** Throws on an entry that is neither a hostname, an IP address nor a CIDR. */
export function parseAllowList(entries: readonly string[]): AllowList {
  const key = entries.join(',');
  const cached = allowListCache.get(key);
  if (cached) return cached;
  const list: AllowList = { hosts: new Set(), suffixes: [], addresses: new BlockList() };
  for (const raw of entries) {
    const entry = raw
      .trim()
      .toLowerCase()
      .replace(/^\[|\]$/g, '');
    if (!entry) continue;
    const [network, prefix] = entry.split('/');
    const family = isIP(network ?? '');
    if (family !== 0 && network) {
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (prefix === undefined) list.addresses.addAddress(network, type);
      else {
        const bits = Number(prefix);
        if (!/^\d+$/.test(prefix) || bits > (family === 4 ? 32 : 128))
          throw new Error(`"${raw}" is not a valid CIDR`);
        list.addresses.addSubnet(network, bits, type);
      }
    } else if (entry.startsWith('*.') && isHostname(entry.slice(2))) {
      list.suffixes.push(entry.slice(1));
    } else if (isHostname(entry)) {
      list.hosts.add(entry.replace(/\.$/, ''));
    } else {
      throw new Error(`"${raw}" is not a hostname, an IP address or a CIDR`);
    }
  }
  if (allowListCache.size > 100) allowListCache.clear();
  allowListCache.set(key, list);
  return list;
}

function isHostname(value: string): boolean {
  return /^(?=.{1,253}\.?$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/.test(
    value,
  );
}

function familyOf(address: string): 'ipv4' | 'ipv6' {
  return isIP(address) === 6 ? 'ipv6' : 'ipv4';
}

/** True when the address is public, or private but allowed. */
export function isAddressAllowed(address: string, allow: readonly string[] = []): boolean {
  const type = familyOf(address);
  if (!blocked[type].check(address, type)) return true;
  return parseAllowList(allow).addresses.check(address, type);
}

function isHostAllowed(hostname: string, list: AllowList): boolean {
  return list.hosts.has(hostname) || list.suffixes.some((suffix) => hostname.endsWith(suffix));
}

export interface OutboundTarget {
  url: URL;
  /** The hostname without IPv6 brackets or a trailing dot. */
  hostname: string;
  port: number;
}

/** Parses and checks the scheme; no DNS. */
export function parseOutboundUrl(raw: string): OutboundTarget {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundRequestError('invalid_url', 'The URL is not valid');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new OutboundRequestError('invalid_url', 'Only http and https URLs can be called');
  // WHATWG URL already turned 0x7f000001, 2130706433 and 127.1 into 127.0.0.1.
  const hostname = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (!hostname) throw new OutboundRequestError('invalid_url', 'The URL has no host');
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return { url, hostname, port };
}

const systemResolve = async (hostname: string): Promise<string[]> =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/**
 * The addresses a request to this target may connect to, in resolver order. Every address must
 * pass: a name that answers with one public and one private address is refused as a whole.
 */
export async function resolveOutboundTarget(
  target: OutboundTarget,
  allow: readonly string[] = [],
  resolve: (hostname: string) => Promise<string[]> = systemResolve,
): Promise<string[]> {
  const list = parseAllowList(allow);
  const { hostname } = target;
  let addresses: string[];
  if (isIP(hostname)) addresses = [hostname];
  else {
    try {
      addresses = await resolve(hostname.toLowerCase());
    } catch (error) {
      throw new OutboundRequestError(
        'network',
        `Could not resolve ${hostname}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
    if (addresses.length === 0)
      throw new OutboundRequestError('network', `${hostname} has no address`);
  }
  if (isHostAllowed(hostname.toLowerCase(), list)) return addresses;
  const refused = addresses.find((address) => !isAddressAllowed(address, allow));
  if (refused !== undefined)
    throw new OutboundRequestError(
      'blocked_address',
      `${isIP(hostname) ? hostname : `${hostname} resolves to ${refused}, which`} is a private ` +
        'or reserved address; add it to WEBHOOK_ALLOWED_HOSTS to allow it',
    );
  return addresses;
}

// Keep-alive pools keyed by the checked address (and SNI name), so a reused socket always leads
// to an address that passed the check.
const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64, scheduling: 'lifo' });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 64, scheduling: 'lifo' });

export async function outboundRequest(options: OutboundRequestOptions): Promise<OutboundResponse> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const timeoutMs = options.timeoutMs ?? OUTBOUND_DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxResponseBytes ?? OUTBOUND_DEFAULT_MAX_RESPONSE_BYTES;
  const target = parseOutboundUrl(options.url);

  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new OutboundRequestError(
            'timeout',
            `No complete answer within ${timeoutMs} ms`,
            elapsed(),
          ),
        ),
      timeoutMs,
    );
  });
  const abort = new AbortController();
  try {
    const addresses = await Promise.race([
      resolveOutboundTarget(target, options.allow, options.resolve),
      deadline,
    ]);
    return await Promise.race([
      send(target, addresses[0]!, options, maxBytes, abort.signal, elapsed),
      deadline,
    ]);
  } catch (error) {
    if (error instanceof OutboundRequestError) {
      if (error.durationMs === 0 && error.code !== 'invalid_url')
        throw new OutboundRequestError(error.code, error.message, elapsed());
      throw error;
    }
    throw new OutboundRequestError('network', String(error), elapsed());
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

function send(
  target: OutboundTarget,
  address: string,
  options: OutboundRequestOptions,
  maxBytes: number,
  signal: AbortSignal,
  elapsed: () => number,
): Promise<OutboundResponse> {
  const { url, hostname } = target;
  const isHttps = url.protocol === 'https:';
  const body =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string'
        ? Buffer.from(options.body)
        : options.body;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (!/^(host|content-length|transfer-encoding|connection)$/i.test(name)) headers[name] = value;
  }
  headers.host = url.host;
  if (body) headers['content-length'] = String(body.length);
  const auth =
    url.username || url.password
      ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`
      : undefined;

  return new Promise<OutboundResponse>((resolve, reject) => {
    const request = (isHttps ? https : http).request(
      {
        host: address,
        port: target.port,
        path: `${url.pathname}${url.search}`,
        method: options.method ?? (body ? 'POST' : 'GET'),
        headers,
        auth,
        agent: isHttps ? httpsAgent : httpAgent,
        // SNI and certificate checks use the name, never the address we connect to.
        servername: isHttps && !isIP(hostname) ? hostname : undefined,
        signal,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = (isTruncated: boolean) => {
          const flat: Record<string, string> = {};
          for (const [name, value] of Object.entries(response.headers)) {
            if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
          }
          resolve({
            status: response.statusCode ?? 0,
            headers: flat,
            body: Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8'),
            isTruncated,
            durationMs: elapsed(),
            address,
          });
        };
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          chunks.push(chunk);
          if (size <= maxBytes) return;
          response.destroy();
          if (options.onOversize === 'error')
            reject(
              new OutboundRequestError(
                'too_large',
                `The response is larger than ${maxBytes} bytes`,
                elapsed(),
              ),
            );
          else finish(true);
        });
        response.on('end', () => finish(false));
        response.on('error', (error) =>
          reject(new OutboundRequestError('network', error.message, elapsed())),
        );
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (signal.aborted) return;
      reject(
        new OutboundRequestError(
          'network',
          error.code ? `${error.code}: ${error.message}` : error.message,
          elapsed(),
        ),
      );
    });
    request.end(body);
  });
}
