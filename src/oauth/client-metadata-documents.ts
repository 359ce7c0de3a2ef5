// Client ID Metadata Documents: a client may use the https URL of a JSON document describing it
// as its client_id, instead of registering. The authorization server then fetches that URL — on an
// attacker's say-so, so the fetch is held tight: https only (plain http only to loopback, for a
// loopback server's tests), public addresses only, no redirects, a deadline, a size cap; the
// document must name itself as client_id, list its redirect URIs, and hold no secret. Documents are
// kept for a while in a bounded cache, so a flood of client ids costs fetches, not memory.
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import type { Adapter, AdapterPayload } from "oidc-provider";
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
  const cache = new Map<string, { client: AdapterPayload | undefined; until: number }>();
  const now = options.now ?? (() => Date.now());
  const fetchClient = async (id: string): Promise<AdapterPayload | undefined> => {
    const cached = cache.get(id);
    if (cached && cached.until > now()) return cached.client;
    const client = await fetchDocument(id, options.allowLoopback).catch(() => undefined);
    cache.delete(id);
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    cache.set(id, { client, until: now() + CACHE_MS });
    return client;
  };
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
  if (!(await reachable(url.hostname, allowLoopback))) return undefined;
  const res = await fetch(url, {
    redirect: "error",
    signal: AbortSignal.timeout(DEADLINE_MS),
    headers: { accept: "application/json" },
  });
  if (!res.ok || !res.body) return undefined;
  const text = await readCapped(res.body, MAX_BYTES);
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

async function readCapped(body: ReadableStream<Uint8Array>, max: number): Promise<string | undefined> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > max) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** A host whose every address is public (or loopback, where allowed): no fetch into a private network. */
async function reachable(hostname: string, allowLoopback: boolean): Promise<boolean> {
  const host = hostname.replace(/^\[|\]$/g, "");
  const addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  return addresses.every((a) => (allowLoopback && isLoopbackHost(a)) || isPublic(a));
}

function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || host === "[::1]" || host.startsWith("127.");
}

function isPublic(address: string): boolean {
  if (isIP(address) === 6) {
    const a = address.toLowerCase();
    if (a.startsWith("::ffff:")) return isPublic(a.slice(7));
    return !(a === "::" || a === "::1" || /^f[cd]/.test(a) || /^fe[89ab]/.test(a));
  }
  const [a, b] = address.split(".").map(Number) as [number, number];
  return !(
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    a >= 224
  );
}
