// RevCent's OAuth 2.0 for apps, emulated on the sandbox's own origin: an authorization endpoint with
// a consent page (GET shows it, POST decides), a token endpoint (authorization_code with optional
// PKCE S256, refresh_token with rotation), and the bearer check the API uses beside x-api-key.
// Codes, access and refresh tokens are random, held in memory, timed by the sandbox's clock, and
// never written anywhere but the response that hands them out.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { ServerResponse } from "node:http";

export interface OAuthClientConfig {
  id: string;
  secret: string;
  /**
   * Redirect URIs it may use, compared as exact strings. Absent: any http(s) loopback URI
   * (127.0.0.0/8, [::1], localhost) or any https URI, without a fragment.
   */
  redirectUris?: readonly string[];
  /** Shown on the consent page; default the id. */
  name?: string;
}

export const DEFAULT_OAUTH_CLIENT: OAuthClientConfig = { id: "sandbox-client", secret: "sandbox-client-secret" };
/** The scope granted when the request names none. */
const DEFAULT_SCOPE = "api";
export const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 3600;
const OAUTH_PATHS = {
  authorize: "/oauth/authorize",
  token: "/oauth/token",
  metadata: "/.well-known/oauth-authorization-server",
} as const;

const CODE_TTL_MS = 60_000;
const PENDING_TTL_MS = 10 * 60_000;
const REFRESH_TOKEN_TTL_MS = 30 * 86_400_000;
const ACCOUNT_NAME = "RevCent Sandbox (sandbox-merchant-1)";
/** RFC 7636: 43-128 characters of [A-Z a-z 0-9 - . _ ~]. */
const PKCE_VALUE = /^[A-Za-z0-9\-._~]{43,128}$/;

/** Requests to the token endpoint by grant_type, answered or refused; `other` is any other or none. */
export interface TokenRequestCounts {
  authorization_code: number;
  refresh_token: number;
  other: number;
}

/** What a test (or the process that started the sandbox) can do with its OAuth side. */
export interface SandboxOAuth {
  /** The sandbox's origin, e.g. http://127.0.0.1:43121, as in its metadata. */
  readonly issuer: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  /** Lifetime of access tokens issued from now on. */
  setAccessTokenTtl(seconds: number): void;
  /** Every access and refresh token, code and pending consent stops working. */
  revokeAll(): void;
  /** A copy of the counts so far. */
  tokenRequests(): TokenRequestCounts;
}

interface Pending {
  client: OAuthClientConfig;
  redirectUri: string;
  state: string | undefined;
  codeChallenge: string | undefined;
  scope: string;
  expiresAt: number;
}

interface Code {
  clientId: string;
  redirectUri: string;
  codeChallenge: string | undefined;
  scope: string;
  expiresAt: number;
  used: boolean;
  /** Every token issued from this code, refreshes included, carries it. */
  family: string;
}

interface Token {
  clientId: string;
  scope: string;
  /** A refresh token's scope stays the one first granted, whatever narrower scope a refresh asks for. */
  grantedScope?: string;
  expiresAt: number;
  family: string;
}

/** An RFC 6749 error answer of the token endpoint. */
class TokenError extends Error {
  constructor(
    readonly error: string,
    description: string,
    readonly status = 400,
  ) {
    super(description);
  }
}

const random = (prefix: string) => `${prefix}${randomBytes(32).toString("base64url")}`;
const sha256 = (text: string) => createHash("sha256").update(text).digest();

function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch] ?? ch);

function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** The redirect URI when the client may use it; undefined when it may not (or is no URL). */
function trustedRedirect(client: OAuthClientConfig, raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  if (client.redirectUris) return client.redirectUris.includes(raw) ? raw : undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.hash || raw.includes("#") || url.username || url.password) return undefined;
  if (url.protocol === "https:") return raw;
  if (url.protocol === "http:" && isLoopbackHost(url.hostname)) return raw;
  return undefined;
}

function withParams(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.href;
}

// The consent page's only style; the CSP allows it by hash, and nothing else loads.
const STYLE =
  "body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}" +
  "h1{font-size:1.4rem}button{font:inherit;padding:.5rem 1.2rem;margin-right:.5rem;cursor:pointer}" +
  ".note{color:#666;font-size:.9rem}";
const STYLE_HASH = `'sha256-${createHash("sha256").update(STYLE).digest("base64")}'`;

function pageHeaders(): Record<string, string> {
  return {
    "content-type": "text/html; charset=utf-8",
    "content-security-policy": [
      "default-src 'none'",
      `style-src ${STYLE_HASH}`,
      // No form-action: Chromium holds a form's whole redirect chain to it, and after approval the
      // chain goes on past the client's redirect URI (an MCP server's callback sends the browser
      // to its own client's loopback), which no list written here could name.
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ].join("; "),
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
  };
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

function sendPage(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { ...pageHeaders(), "content-length": Buffer.byteLength(html) });
  res.end(html);
}

function sendErrorPage(res: ServerResponse, message: string): void {
  sendPage(res, 400, page("Authorization failed", `<h1>Authorization failed</h1><p>${escapeHtml(message)}</p>`));
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, "cache-control": "no-store", "referrer-policy": "no-referrer" });
  res.end();
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
    pragma: "no-cache",
    ...headers,
  });
  res.end(text);
}

/** Form or query parameters, each at most once (RFC 6749 3.1, 3.2); undefined when one repeats. */
function singleParams(search: URLSearchParams): Map<string, string> | undefined {
  const out = new Map<string, string>();
  for (const [k, v] of search) {
    if (out.has(k)) return undefined;
    out.set(k, v);
  }
  return out;
}

/** Basic credentials are form-encoded before base64 (RFC 6749 2.3.1). */
function basicCredentials(header: string): { id: string; secret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  const formDecode = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, " "));
    } catch {
      return undefined;
    }
  };
  const id = formDecode(decoded.slice(0, colon));
  const secret = formDecode(decoded.slice(colon + 1));
  return id === undefined || secret === undefined ? undefined : { id, secret };
}

export interface OAuthServerOptions {
  clients: readonly OAuthClientConfig[];
  /** Clock in ms. */
  clock: () => number;
  accessTokenTtlSeconds: number;
  /** Scheme, host and port the sandbox listens on. */
  origin: () => string;
}

export interface OAuthRequest {
  method: string;
  url: URL;
  headers: { authorization?: string | undefined; "content-type"?: string | undefined };
  body: string;
}

export class OAuthServer implements SandboxOAuth {
  private readonly clients: Map<string, OAuthClientConfig>;
  private readonly clock: () => number;
  private readonly origin: () => string;
  private accessTtlMs: number;
  private pending = new Map<string, Pending>();
  private codes = new Map<string, Code>();
  private accessTokens = new Map<string, Token>();
  private refreshTokens = new Map<string, Token>();
  private counts: TokenRequestCounts = { authorization_code: 0, refresh_token: 0, other: 0 };

  constructor(options: OAuthServerOptions) {
    this.clients = new Map(options.clients.map((c) => [c.id, c]));
    this.clock = options.clock;
    this.origin = options.origin;
    this.accessTtlMs = this.checkedTtl(options.accessTokenTtlSeconds);
  }

  get issuer(): string {
    return this.origin();
  }
  get authorizationEndpoint(): string {
    return `${this.origin()}${OAUTH_PATHS.authorize}`;
  }
  get tokenEndpoint(): string {
    return `${this.origin()}${OAUTH_PATHS.token}`;
  }

  setAccessTokenTtl(seconds: number): void {
    this.accessTtlMs = this.checkedTtl(seconds);
  }

  revokeAll(): void {
    this.pending.clear();
    this.codes.clear();
    this.accessTokens.clear();
    this.refreshTokens.clear();
  }

  tokenRequests(): TokenRequestCounts {
    return { ...this.counts };
  }

  /** The client id behind a live access token, or undefined (unknown, expired or revoked). */
  authenticate(accessToken: string): string | undefined {
    const token = this.accessTokens.get(accessToken);
    if (!token) return undefined;
    if (token.expiresAt <= this.clock()) {
      this.accessTokens.delete(accessToken);
      return undefined;
    }
    return token.clientId;
  }

  /** True when the path is the OAuth side's, which has then answered. */
  handle(req: OAuthRequest, res: ServerResponse): boolean {
    const path = req.url.pathname;
    if (path === OAUTH_PATHS.authorize) {
      if (req.method === "GET") this.showConsent(req.url.searchParams, res);
      else if (req.method === "POST") this.decide(req, res);
      else this.notAllowed(res, "GET, POST");
      return true;
    }
    if (path === OAUTH_PATHS.token) {
      if (req.method === "POST") this.token(req, res);
      else this.notAllowed(res, "POST");
      return true;
    }
    if (path === OAUTH_PATHS.metadata) {
      if (req.method === "GET") sendJson(res, 200, this.metadata(), { "cache-control": "max-age=60" });
      else this.notAllowed(res, "GET");
      return true;
    }
    return false;
  }

  private checkedTtl(seconds: number): number {
    if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`Access token TTL must be positive: ${seconds}`);
    return seconds * 1000;
  }

  private notAllowed(res: ServerResponse, allow: string): void {
    sendJson(res, 405, { error: "invalid_request", error_description: `Allowed methods: ${allow}` }, { allow });
  }

  private metadata(): Record<string, unknown> {
    return {
      issuer: this.issuer,
      authorization_endpoint: this.authorizationEndpoint,
      token_endpoint: this.tokenEndpoint,
      response_types_supported: ["code"],
      grant_types_supported: ["authorization_code", "refresh_token"],
      code_challenge_methods_supported: ["S256"],
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
      scopes_supported: [DEFAULT_SCOPE],
    };
  }

  private sweep(now: number): void {
    for (const [k, v] of this.pending) if (v.expiresAt <= now) this.pending.delete(k);
    for (const [k, v] of this.codes) if (v.expiresAt <= now) this.codes.delete(k);
    for (const [k, v] of this.accessTokens) if (v.expiresAt <= now) this.accessTokens.delete(k);
    for (const [k, v] of this.refreshTokens) if (v.expiresAt <= now) this.refreshTokens.delete(k);
  }

  // GET /oauth/authorize: errors before a trusted redirect URI is known are a page, never a redirect.
  private showConsent(search: URLSearchParams, res: ServerResponse): void {
    const params = singleParams(search);
    if (!params) return sendErrorPage(res, "A parameter was given more than once.");
    const client = this.clients.get(params.get("client_id") ?? "");
    if (!client) return sendErrorPage(res, "Unknown client_id.");
    const redirectUri = trustedRedirect(client, params.get("redirect_uri"));
    if (!redirectUri) return sendErrorPage(res, "The redirect_uri is missing or not registered for this client.");
    const state = params.get("state");
    const fail = (error: string, description: string) =>
      redirect(res, withParams(redirectUri, { error, error_description: description, state }));
    if (params.get("response_type") !== "code")
      return fail("unsupported_response_type", "Only response_type=code is supported.");
    const codeChallenge = params.get("code_challenge");
    const method = params.get("code_challenge_method");
    if (codeChallenge !== undefined || method !== undefined) {
      if (method !== "S256") return fail("invalid_request", "code_challenge_method must be S256.");
      if (!codeChallenge || !PKCE_VALUE.test(codeChallenge))
        return fail("invalid_request", "code_challenge is missing or malformed.");
    }
    const scope = params.get("scope")?.trim() || DEFAULT_SCOPE;
    const now = this.clock();
    this.sweep(now);
    const id = random("");
    this.pending.set(id, { client, redirectUri, state, codeChallenge, scope, expiresAt: now + PENDING_TTL_MS });
    const body =
      `<h1>Authorize ${escapeHtml(client.name ?? client.id)}</h1>` +
      `<p><strong>${escapeHtml(client.name ?? client.id)}</strong> asks to use the RevCent API as ` +
      `<strong>${escapeHtml(ACCOUNT_NAME)}</strong>, with scope <code>${escapeHtml(scope)}</code>.</p>` +
      `<p class="note">After your decision you return to ${escapeHtml(new URL(redirectUri).origin)}.</p>` +
      `<form method="post" action="${OAUTH_PATHS.authorize}">` +
      `<input type="hidden" name="request_id" value="${escapeHtml(id)}">` +
      `<button type="submit" name="decision" value="approve">Approve</button>` +
      `<button type="submit" name="decision" value="deny">Deny</button>` +
      "</form>";
    sendPage(res, 200, page(`Authorize ${client.name ?? client.id}`, body));
  }

  // POST /oauth/authorize: the pending request is used up whatever the decision.
  private decide(req: OAuthRequest, res: ServerResponse): void {
    const params = singleParams(new URLSearchParams(req.body));
    const id = params?.get("request_id");
    const pending = id ? this.pending.get(id) : undefined;
    const now = this.clock();
    if (!id || !pending || pending.expiresAt <= now)
      return sendErrorPage(res, "This authorization request is unknown, expired or already answered.");
    const decision = params?.get("decision");
    if (decision !== "approve" && decision !== "deny") return sendErrorPage(res, "Choose approve or deny.");
    this.pending.delete(id);
    if (decision === "deny")
      return redirect(res, withParams(pending.redirectUri, { error: "access_denied", state: pending.state }));
    const code = random("rcsb_code_");
    this.codes.set(code, {
      clientId: pending.client.id,
      redirectUri: pending.redirectUri,
      codeChallenge: pending.codeChallenge,
      scope: pending.scope,
      expiresAt: now + CODE_TTL_MS,
      used: false,
      family: random(""),
    });
    redirect(res, withParams(pending.redirectUri, { code, state: pending.state }));
  }

  // POST /oauth/token
  private token(req: OAuthRequest, res: ServerResponse): void {
    const raw = new URLSearchParams(req.body);
    const grantType = raw.get("grant_type");
    if (grantType === "authorization_code" || grantType === "refresh_token") this.counts[grantType]++;
    else this.counts.other++;
    try {
      const contentType = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
      if (contentType !== "application/x-www-form-urlencoded")
        throw new TokenError("invalid_request", "The body must be application/x-www-form-urlencoded.");
      const params = singleParams(raw);
      if (!params) throw new TokenError("invalid_request", "A parameter was given more than once.");
      const client = this.authenticateClient(req.headers.authorization, params);
      const now = this.clock();
      this.sweep(now);
      if (!grantType) throw new TokenError("invalid_request", "grant_type is missing.");
      if (grantType === "authorization_code") return this.answer(res, this.exchangeCode(client, params, now), now);
      if (grantType === "refresh_token") return this.answer(res, this.refresh(client, params), now);
      throw new TokenError("unsupported_grant_type", "Supported: authorization_code, refresh_token.");
    } catch (err) {
      if (!(err instanceof TokenError)) throw err;
      const headers: Record<string, string> =
        err.status === 401 ? { "www-authenticate": 'Basic realm="revcent-sandbox"' } : {};
      sendJson(res, err.status, { error: err.error, error_description: err.message }, headers);
    }
  }

  private authenticateClient(header: string | undefined, params: Map<string, string>): OAuthClientConfig {
    const inBody = params.has("client_secret");
    if (header && inBody) throw new TokenError("invalid_request", "Use one client authentication method, not two.");
    const invalid = () => new TokenError("invalid_client", "Client authentication failed.", 401);
    let credentials: { id: string; secret: string } | undefined;
    if (header) credentials = basicCredentials(header);
    else if (inBody) credentials = { id: params.get("client_id") ?? "", secret: params.get("client_secret")! };
    if (!credentials) throw invalid();
    // A client_id in the body beside Basic credentials must name the same client.
    if (header && params.has("client_id") && params.get("client_id") !== credentials.id) throw invalid();
    const client = this.clients.get(credentials.id);
    if (!client || !sameSecret(client.secret, credentials.secret)) throw invalid();
    return client;
  }

  private exchangeCode(client: OAuthClientConfig, params: Map<string, string>, now: number): Token {
    const value = params.get("code");
    if (!value) throw new TokenError("invalid_request", "code is missing.");
    const code = this.codes.get(value);
    const invalid = (why: string) => new TokenError("invalid_grant", why);
    if (!code || code.clientId !== client.id || code.expiresAt <= now)
      throw invalid("The code is unknown, expired or was issued to another client.");
    if (code.used) {
      // A code presented twice may have been stolen: whatever was issued from it stops working.
      this.revokeFamily(code.family);
      throw invalid("The code was already used; the tokens issued from it are revoked.");
    }
    code.used = true;
    if (params.get("redirect_uri") !== code.redirectUri) throw invalid("redirect_uri differs from the one authorized.");
    const verifier = params.get("code_verifier");
    if (code.codeChallenge !== undefined) {
      if (!verifier || !PKCE_VALUE.test(verifier)) throw invalid("code_verifier is missing or malformed.");
      if (sha256(verifier).toString("base64url") !== code.codeChallenge)
        throw invalid("code_verifier does not match the code_challenge.");
    } else if (verifier !== undefined) {
      throw invalid("code_verifier was sent for a code authorized without a code_challenge.");
    }
    return { clientId: client.id, scope: code.scope, family: code.family, expiresAt: 0 };
  }

  private refresh(client: OAuthClientConfig, params: Map<string, string>): Token {
    const value = params.get("refresh_token");
    if (!value) throw new TokenError("invalid_request", "refresh_token is missing.");
    const old = this.refreshTokens.get(value);
    if (!old || old.clientId !== client.id)
      throw new TokenError("invalid_grant", "The refresh token is unknown, expired, revoked or already used.");
    const scope = params.get("scope");
    if (scope !== undefined) {
      const granted = new Set(old.scope.split(" "));
      if (!scope.split(" ").every((s) => granted.has(s)))
        throw new TokenError("invalid_scope", "The scope exceeds the one granted.");
    }
    this.refreshTokens.delete(value); // rotation: the old one never works again
    return {
      clientId: client.id,
      scope: scope ?? old.scope,
      grantedScope: old.scope,
      family: old.family,
      expiresAt: 0,
    };
  }

  private answer(res: ServerResponse, grant: Token, now: number): void {
    const accessToken = random("rcsb_at_");
    const refreshToken = random("rcsb_rt_");
    this.accessTokens.set(accessToken, { ...grant, expiresAt: now + this.accessTtlMs });
    this.refreshTokens.set(refreshToken, {
      ...grant,
      scope: grant.grantedScope ?? grant.scope,
      expiresAt: now + REFRESH_TOKEN_TTL_MS,
    });
    sendJson(res, 200, {
      access_token: accessToken,
      token_type: "Bearer",
      expires_in: Math.round(this.accessTtlMs / 1000),
      refresh_token: refreshToken,
      scope: grant.scope,
    });
  }

  private revokeFamily(family: string): void {
    for (const [k, v] of this.accessTokens) if (v.family === family) this.accessTokens.delete(k);
    for (const [k, v] of this.refreshTokens) if (v.family === family) this.refreshTokens.delete(k);
  }
}
