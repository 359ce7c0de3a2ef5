// Client ID Metadata Documents: a client may use the https URL of a JSON document describing it
// as its client_id, instead of registering. The authorization server then fetches that URL — on an
// attacker's say-so, so the fetch is held tight: https only (plain http only to loopback, for a
// loopback server's tests), public addresses only (checked on the addresses the connection is
// made to, so a name cannot resolve one way for the check and another for the fetch), no
// redirects, a deadline, a size cap; the
// document must name itself as client_id, list its redirect URIs, and hold no secret. Documents are
// kept for a while in a bounded cache, so a flood of client ids costs fetches, not memory.
import { lookup, type LookupAddress } from "node:dns";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import type { Adapter, AdapterPayload } from "oidc-provider";
import { TtlCache } from "../resources/ttl-cache.js";
import type { AdapterFactory } from "./provider-store.js";

const MAX_BYTES = 5 * 1024;
const DEADLINE_MS = 5_000;
const CACHE_MS = 10 * 60_000;
const MAX_CACHED = 1_000;

export interface MetadataDocumentOptions {
  /** Plain http to loopback addresses is accepted (a loopback server, tests); nothing else is. */
  allowLoopback: boolean;
  now?: () => number;
}

/** Wraps the store so that a client id that is an https URL is looked up at that URL. */
export function withClientMetadataDocuments(base: AdapterFactory, options: MetadataDocumentOptions): AdapterFactory {
  // A document that could not be fetched or used is remembered as none, for as long as a good one.
  const cache = new TtlCache<AdapterPayload | undefined>({
    ttlMs: CACHE_MS,
    maxEntries: MAX_CACHED,
    now: options.now ?? (() => Date.now()),
  });
  const fetchClient = (id: string) =>
    cache.get(id, () => fetchDocument(id, options.allowLoopback).catch(() => undefined));
  return (model) => {
    const inner = base(model);
    if (model !== "Client") return inner;
    return {
      ...bind(inner),
      find: (id: string) => (isDocumentUrl(id, options.allowLoopback) ? fetchClient(id) : inner.find(id)),
    };
  };
}

function bind(adapter: Adapter): Adapter {
  return {
    upsert: adapter.upsert.bind(adapter),
    find: adapter.find.bind(adapter),
    findByUid: adapter.findByUid.bind(adapter),
    findByUserCode: adapter.findByUserCode.bind(adapter),
    consume: adapter.consume.bind(adapter),
    destroy: adapter.destroy.bind(adapter),
    revokeByGrantId: adapter.revokeByGrantId.bind(adapter),
  };
}

export function isDocumentUrl(id: string, allowLoopback: boolean): boolean {
  if (!URL.canParse(id)) return false;
  const url = new URL(id);
  // A document URL names a document: a path, no fragment, no credentials.
  if (url.pathname === "/" || url.hash || url.username || url.password) return false;
  return url.protocol === "https:" || (allowLoopback && url.protocol === "http:" && isLoopbackHost(url.hostname));
}

async function fetchDocument(id: string, allowLoopback: boolean): Promise<AdapterPayload | undefined> {
  const url = new URL(id);
  const text = await fetchCapped(url, allowLoopback);
  if (text === undefined) return undefined;
  const doc = JSON.parse(text) as Record<string, unknown>;
  const redirects = doc.redirect_uris;
  if (doc.client_id !== id || !Array.isArray(redirects) || !redirects.every((u) => typeof u === "string"))
    return undefined;
  // A document anyone can read cannot hold a secret, so the client authenticates with nothing.
  if (doc.client_secret !== undefined) return undefined;
  return {
    client_id: id,
    client_name: typeof doc.client_name === "string" ? doc.client_name : id,
    redirect_uris: redirects as string[],
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    token_endpoint_auth_method: "none",
  };
}

/**
 * The document's text, or undefined: a 2xx only (a redirect is not followed), within the deadline
 * and the size cap, from an address checked where the connection is made. An address literal is
 * checked here; a name is checked by the connection's own lookup.
 */
function fetchCapped(url: URL, allowLoopback: boolean): Promise<string | undefined> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host) && !allowed(host, allowLoopback)) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const get = url.protocol === "https:" ? httpsRequest : httpRequest;
    const req = get(
      url,
      { method: "GET", headers: { accept: "application/json" }, lookup: checkedLookup(allowLoopback) },
      (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          req.destroy();
          return resolve(undefined);
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.byteLength;
          if (size > MAX_BYTES) {
            req.destroy();
            resolve(undefined);
          } else chunks.push(chunk);
        });
        res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        res.on("error", reject);
      },
    );
    const deadline = setTimeout(
      () => req.destroy(new Error("the client document did not arrive in time")),
      DEADLINE_MS,
    );
    deadline.unref();
    req.on("close", () => clearTimeout(deadline));
    req.on("error", reject);
    req.end();
  });
}

/** The connection's DNS lookup: every address the name has must be allowed, and one of those is used. */
function checkedLookup(allowLoopback: boolean): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, "", 0);
      if (!addresses.length || !addresses.every((a) => allowed(a.address, allowLoopback))) {
        const refused = Object.assign(new Error(`${hostname} resolves to an address that is not public`), {
          code: "ENOTPUBLIC",
        });
        return callback(refused, "", 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

function allowed(address: string, allowLoopback: boolean): boolean {
  return (allowLoopback && isLoopbackHost(address)) || isPublic(address);
}

/** A loopback host name or address, bracketed IPv6 or not: where plain http stays on this machine. */
export function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || host === "[::1]" || host.startsWith("127.");
}

/** Not private, loopback, link-local, shared, reserved or multicast, in any spelling of IPv4 or IPv6. */
export function isPublic(address: string): boolean {
  if (isIP(address) === 4) return isPublicV4(address.split(".").map(Number));
  const groups = ipv6Groups(address);
  if (!groups) return false;
  const [g0, g1, g2, g3, g4, g5, g6, g7] = groups as [number, number, number, number, number, number, number, number];
  const v4 = (hi: number, lo: number) => [hi >> 8, hi & 255, lo >> 8, lo & 255];
  // IPv4 inside IPv6: mapped (::ffff:a.b.c.d), compatible (::a.b.c.d, :: and ::1 among them),
  // NAT64 (64:ff9b::a.b.c.d) and 6to4 (2002:aabb:ccdd::) all reach the IPv4 address they carry.
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && (g5 === 0xffff || g5 === 0))
    return isPublicV4(v4(g6, g7));
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return isPublicV4(v4(g6, g7));
  if (g0 === 0x2002) return isPublicV4(v4(g1, g2));
  // Unique local fc00::/7, link-local fe80::/10, site-local fec0::/10, multicast ff00::/8.
  return !(
    (g0 & 0xfe00) === 0xfc00 ||
    (g0 & 0xffc0) === 0xfe80 ||
    (g0 & 0xffc0) === 0xfec0 ||
    (g0 & 0xff00) === 0xff00
  );
}

function isPublicV4([a, b, c]: number[]): boolean {
  return !(
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b! >= 64 && b! <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b! >= 16 && b! <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0 && c === 0) ||
    (a === 198 && (b === 18 || b === 19)) ||
    a! >= 224
  );
}

/** An IPv6 address as its eight 16-bit groups (a trailing dotted IPv4 part and "::" expanded). */
function ipv6Groups(address: string): number[] | undefined {
  if (isIP(address) !== 6) return undefined;
  let text = address.toLowerCase().replace(/%.*$/, "");
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split("::") as [string, string | undefined];
  const part = (s: string | undefined) => (s ? s.split(":").map((g) => Number.parseInt(g, 16)) : []);
  const front = part(head);
  const back = part(tail);
  const groups = tail === undefined ? front : [...front, ...new Array(8 - front.length - back.length).fill(0), ...back];
  return groups.length === 8 ? groups : undefined;
}
