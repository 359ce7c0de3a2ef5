// OAuth sign-in as the SDK's client does it, with a person's clicks stood in for by a small
// cookie-keeping walker that follows redirects and answers the two consent pages (ours, then the
// sandbox's RevCent page). The browser test does the same clicks in a real Chromium.
import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from "@modelcontextprotocol/sdk/shared/auth.js";

export const REDIRECT_URI = "http://127.0.0.1:9/callback";
const TOKEN_KEY = "a-test-token-key-of-at-least-32-characters";

/** The server's OAuth settings for a sandbox the test started: its RevCent endpoints and client. */
export function oauthEnv(sandboxUrl: string): Record<string, string> {
  const origin = new URL(sandboxUrl).origin;
  return {
    REVCENT_OAUTH_CLIENT_ID: "sandbox-client",
    REVCENT_OAUTH_CLIENT_SECRET: "sandbox-client-secret",
    REVCENT_OAUTH_AUTHORIZE_URL: `${origin}/oauth/authorize`,
    REVCENT_OAUTH_TOKEN_URL: `${origin}/oauth/token`,
    MCP_TOKEN_KEY: TOKEN_KEY,
  };
}

/** The SDK's OAuth client state for one MCP client, kept in memory; the authorization URL it would open is recorded. */
export class TestOAuthClient implements OAuthClientProvider {
  info: OAuthClientInformationMixed | undefined;
  saved: OAuthTokens | undefined;
  verifier = "";
  authorizationUrl: URL | undefined;

  constructor(
    private readonly name = "Test MCP client",
    private readonly redirect = REDIRECT_URI,
  ) {}

  get redirectUrl(): string {
    return this.redirect;
  }
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: this.name,
      redirect_uris: [this.redirect],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    };
  }
  clientInformation() {
    return this.info;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.info = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
}

export type Decision = "approve" | "deny";

/**
 * Follows a sign-in from the authorization URL to the client's redirect URI, answering our page
 * with `ours` and RevCent's with `revcent`; returns where it ended (code or error in its query).
 */
export async function walkSignIn(start: URL, ours: Decision, revcent: Decision = "approve"): Promise<URL> {
  const jar = new Map<string, Map<string, string>>();
  let url = start;
  let init: RequestInit = { method: "GET" };
  for (let step = 0; step < 25; step++) {
    const cookies = [...(jar.get(url.host) ?? new Map())].map(([k, v]) => `${k}=${v}`).join("; ");
    const res = await fetch(url, {
      ...init,
      redirect: "manual",
      headers: { ...(init.headers as Record<string, string>), ...(cookies ? { cookie: cookies } : {}) },
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const [name, ...value] = pair!.split("=");
      const host = jar.get(url.host) ?? new Map<string, string>();
      host.set(name!.trim(), value.join("="));
      jar.set(url.host, host);
    }
    if (res.status >= 300 && res.status < 400) {
      const next = new URL(res.headers.get("location")!, url);
      await res.body?.cancel();
      if (next.href.startsWith(REDIRECT_URI)) return next;
      url = next;
      init = { method: "GET" };
      continue;
    }
    const html = await res.text();
    const form = /<form[^>]*method="post"[^>]*action="([^"]+)"/i.exec(html);
    if (res.status !== 200 || !form)
      throw new Error(`sign-in stopped at ${url.pathname} (${res.status}): ${html.slice(0, 300)}`);
    const fields = new URLSearchParams();
    for (const [, name, value] of html.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/gi))
      fields.set(name!, value!);
    const onOurPage = url.pathname.startsWith("/interaction/");
    fields.set("decision", onOurPage ? ours : revcent);
    url = new URL(form[1]!.replace(/&amp;/g, "&"), url);
    init = {
      method: "POST",
      body: fields.toString(),
      headers: { "content-type": "application/x-www-form-urlencoded", origin: url.origin },
    };
  }
  throw new Error("sign-in did not end within 25 steps");
}

/** A JSON-RPC ping to /mcp with this bearer token, as a client whose token may have been revoked sends it. */
export function pingWithToken(mcpUrl: string, accessToken: string): Promise<Response> {
  return fetch(mcpUrl, {
    method: "POST",
    headers: {
      authorization: `Bearer ${accessToken}`,
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
  });
}

/** Revokes a refresh token (and so its grant) at the authorization server, as RFC 7009 says. */
export function revoke(serverUrl: string, refreshToken: string, clientId: string): Promise<Response> {
  return fetch(new URL("/revoke", serverUrl), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token: refreshToken, token_type_hint: "refresh_token", client_id: clientId }),
  });
}

/** Registers a public client (RFC 7591) at the server's origin; returns its client_id. */
export async function registerClient(origin: string, name: string, redirect = REDIRECT_URI): Promise<string> {
  const res = await fetch(`${origin}/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      client_name: name,
      redirect_uris: [redirect],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    }),
  });
  if (res.status !== 201) throw new Error(`registration answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { client_id: string }).client_id;
}
