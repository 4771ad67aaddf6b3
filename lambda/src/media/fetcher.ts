/**
 * Fetches http(s) image URLs from chat messages, defensively: the URL is the client's, the network is
 * the gateway's. Each hop's host is resolved here, every address is vetted (see address-guard.ts), and the
 * connection is pinned to the vetted address through the request's `lookup`, so a DNS answer that changes
 * between the check and the connect (rebinding) cannot redirect it. Redirects are followed by hand and
 * vetted again; size, time and content type are capped, and the bytes must really be an image.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { MediaFetcher } from '../deps';
import { DomainError, invalidRequest } from '../errors/domain-error';
import { sniffImageFormat, type DecodedMedia } from '../translate/media';
import { isForbiddenAddress } from './address-guard';
import { lookupTable } from '../lookup-table';

export interface MediaFetcherOptions {
  /** Skip the address check (tests against a local server only; never in production). */
  readonly allowPrivateAddresses: boolean;
  /** @default 3_932_160 (3.75 MB, Bedrock's image size limit) */
  readonly maxBytes?: number;
  /** For the whole fetch of one URL, redirects included. @default 10_000 */
  readonly timeoutMs?: number;
  /** @default 3 */
  readonly maxRedirects?: number;
  /** Distinct URLs per request. @default 20 */
  readonly maxUrls?: number;
  /** DNS resolution, all addresses of a name (tests inject answers). @default node:dns lookup */
  readonly resolve?: (hostname: string) => Promise<LookupAddress[]>;
  /** The address policy (tests narrow it to exercise refusals on loopback). @default isForbiddenAddress */
  readonly isForbidden?: (address: string) => boolean;
  /** Bytes all of one request's images may add up to. @default 20 MiB */
  readonly maxRequestBytes?: number;
  /**
   * Bytes of fetched images the whole process holds at once (reserved at the worst case while fetching, the
   * actual size until the request is over). A request that does not fit is a 503 with Retry-After.
   * @default 128 MiB
   */
  readonly maxInflightBytes?: number;
  /** Image fetches the whole process runs at once; a request whose URLs do not fit is a 503. @default 64 */
  readonly maxConcurrentFetches?: number;
}

const IMAGE_TYPES: Readonly<Record<string, string>> = lookupTable({
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
});
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

class FetchRefused extends Error {}

/** One request's images add up to more than its budget (a 400 of its own, not a refused URL). */
class RequestBudgetExceeded extends Error {}

/** Bytes read so far by one request's fetches together. */
interface RequestTally {
  bytes: number;
  readonly max: number;
}

/** Seconds a client waits before retrying when the process's image-fetch capacity is full. */
const BUSY_RETRY_AFTER_SECONDS = 2;

const systemResolve = (hostname: string): Promise<LookupAddress[]> =>
  new Promise((resolve, reject) => dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))));

interface Target {
  readonly url: URL;
  readonly address: string;
  readonly family: 4 | 6;
}

function parse(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new FetchRefused('it is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new FetchRefused('only http and https URLs are fetched');
  if (url.username || url.password) throw new FetchRefused('URLs with credentials are not fetched');
  return url;
}

/** Resolves the URL's host and picks an address to connect to; every answer must pass the guard. */
async function vet(url: URL, opts: MediaFetcherOptions): Promise<Target> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: LookupAddress[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await (opts.resolve ?? systemResolve)(host);
    } catch {
      throw new FetchRefused('its host name does not resolve');
    }
  }
  if (addresses.length === 0) throw new FetchRefused('its host name does not resolve');
  // One bad answer refuses the name: which address a client library would pick is not ours to guess.
  const forbidden = opts.isForbidden ?? isForbiddenAddress;
  if (!opts.allowPrivateAddresses && addresses.some((a) => forbidden(a.address))) {
    throw new FetchRefused('it points to a private, loopback, link-local or metadata address');
  }
  const first = addresses[0];
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}

/** A `lookup` that answers with the vetted address only, whatever DNS says now. */
function pinned(target: Target): LookupFunction {
  return ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  }) as unknown as LookupFunction;
}

function get(target: Target, signal: AbortSignal): Promise<IncomingMessage> {
  const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(target.url, {
      method: 'GET',
      // A fresh connection per hop: a pooled socket could belong to an address vetted for another request.
      agent: false,
      lookup: pinned(target),
      signal,
      headers: { accept: Object.keys(IMAGE_TYPES).join(', '), 'user-agent': 'bedrock-openai-gateway (image fetch)' },
    });
    req.once('response', resolve);
    req.once('error', reject);
    req.end();
  });
}

async function readCapped(res: IncomingMessage, maxBytes: number, tally: RequestTally): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    size += chunk.length;
    tally.bytes += chunk.length;
    if (size > maxBytes) {
      res.destroy();
      throw new FetchRefused(`it is larger than ${maxBytes} bytes`);
    }
    if (tally.bytes > tally.max) {
      res.destroy();
      throw new RequestBudgetExceeded();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

async function fetchImage(raw: string, opts: MediaFetcherOptions, signal: AbortSignal, tally: RequestTally): Promise<DecodedMedia> {
  const maxBytes = opts.maxBytes ?? 3_932_160;
  let url = parse(raw);
  for (let hop = 0; ; hop++) {
    const res = await get(await vet(url, opts), signal);
    const status = res.statusCode ?? 0;
    if (REDIRECTS.has(status)) {
      res.resume();
      const location = res.headers.location;
      if (!location) throw new FetchRefused(`it answered ${status} without a Location`);
      if (hop >= (opts.maxRedirects ?? 3)) throw new FetchRefused('it redirects too many times');
      url = parse(new URL(location, url).href);
      continue;
    }
    if (status !== 200) {
      res.resume();
      throw new FetchRefused(`it answered HTTP ${status}`);
    }
    const mimeType = (res.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    const declared = IMAGE_TYPES[mimeType];
    if (!declared) {
      res.resume();
      throw new FetchRefused(`its content type '${mimeType || 'none'}' is not png, jpeg, gif or webp`);
    }
    if (Number(res.headers['content-length'] ?? 0) > maxBytes) {
      res.destroy();
      throw new FetchRefused(`it is larger than ${maxBytes} bytes`);
    }
    const bytes = await readCapped(res, maxBytes, tally);
    const sniffed = sniffImageFormat(bytes);
    if (sniffed !== declared) throw new FetchRefused(`its data is not the ${declared} image its content type says`);
    return { mimeType, bytes };
  }
}

/** What the client sees: the URL's host and the reason, never resolved addresses or socket errors. */
function refusal(raw: string, err: unknown, timedOut: boolean): DomainError {
  let where = 'the image URL';
  try {
    where = `the image URL on ${new URL(raw).host}`;
  } catch {
    // keep the generic wording
  }
  const reason = err instanceof FetchRefused ? err.message : timedOut ? 'it did not answer in time' : 'the connection failed';
  return invalidRequest(`The gateway did not fetch ${where}: ${reason}. Send the image as a data: URL instead.`, ['messages'], timedOut ? 'image_fetch_timeout' : 'invalid_image_url');
}

export function createMediaFetcher(opts: MediaFetcherOptions): MediaFetcher {
  const maxUrls = opts.maxUrls ?? 20;
  const maxBytes = opts.maxBytes ?? 3_932_160;
  const maxRequestBytes = opts.maxRequestBytes ?? 20 * 1024 * 1024;
  const maxInflightBytes = opts.maxInflightBytes ?? 128 * 1024 * 1024;
  const maxConcurrent = opts.maxConcurrentFetches ?? 64;
  // What the whole process holds: bytes reserved by requests, and fetches running.
  let inflightBytes = 0;
  let fetches = 0;
  return {
    async fetchAll(urls, signal, hold) {
      const unique = [...new Set(urls)];
      if (unique.length > maxUrls) {
        throw invalidRequest(`At most ${maxUrls} image URLs are fetched per request.`, ['messages'], 'too_many_images');
      }
      // Admission, before any connection: the request's worst case must fit beside what is in flight (a
      // request alone is always let in, so a budget set below one request's worst case cannot lock it out).
      let reserved = Math.min(unique.length * maxBytes, maxRequestBytes);
      const busy = (inflightBytes > 0 && inflightBytes + reserved > maxInflightBytes) || (fetches > 0 && fetches + unique.length > maxConcurrent);
      if (busy) {
        throw new DomainError('unavailable', 'The gateway is fetching as many images as it can hold right now. Retry shortly, or send the images as data: URLs.', null, 'image_fetch_busy', BUSY_RETRY_AFTER_SECONDS);
      }
      inflightBytes += reserved;
      fetches += unique.length;
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        inflightBytes -= reserved;
      };
      const tally: RequestTally = { bytes: 0, max: maxRequestBytes };
      // The first failure stops the request's other fetches: their bytes would be thrown away.
      const stop = new AbortController();
      try {
        const entries = await Promise.all(
          unique.map(async (url): Promise<[string, DecodedMedia]> => {
            const timeout = AbortSignal.timeout(opts.timeoutMs ?? 10_000);
            try {
              return [url, await fetchImage(url, opts, AbortSignal.any([stop.signal, timeout, ...(signal ? [signal] : [])]), tally)];
            } catch (err) {
              stop.abort();
              if (signal?.aborted) throw err;
              if (err instanceof RequestBudgetExceeded) {
                throw invalidRequest(`The images at this request's URLs add up to more than ${maxRequestBytes} bytes, the most this gateway fetches for one request.`, ['messages'], 'image_urls_too_large');
              }
              throw refusal(url, err, timeout.aborted);
            } finally {
              fetches--;
            }
          }),
        );
        // From here on the request holds what it fetched, not its worst case.
        inflightBytes -= reserved - tally.bytes;
        reserved = tally.bytes;
        if (hold) hold(release);
        else release();
        return new Map(entries);
      } catch (err) {
        release();
        throw err;
      }
    },
  };
}
