// The sandbox's OAuth 2.0 (RevCent's OAuth for apps) over real loopback HTTP: the consent page,
// approve and deny, the token endpoint's refusals (client, redirect_uri, PKCE, code reuse), refresh
// rotation, expiry on the sandbox's clock, and the API taking the access token as a bearer. One
// flow runs with oauth4webapi, the client our server signs in with.
import { createHash, randomBytes } from "node:crypto";
import * as oauth from "oauth4webapi";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEED_IDS } from "../../src/sandbox/seed.js";
import type { Sandbox } from "../../src/sandbox/index.js";
import { start } from "./helpers.js";

const CLIENT = "sandbox-client";
const SECRET = "sandbox-client-secret";
const REDIRECT = "http://127.0.0.1:8976/callback";

interface Http {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

async function http(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Http> {
  const res = await request(url, { method: (init.method ?? "GET") as "GET", headers: init.headers, body: init.body });
  const text = await res.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers: res.headers, text, json };
}

const origin = (sb: Sandbox) => sb.oauth.issuer;

function authorizeUrl(sb: Sandbox, params: Record<string, string>): string {
  const url = new URL(sb.oauth.authorizationEndpoint);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.href;
}

const defaults = { response_type: "code", client_id: CLIENT, redirect_uri: REDIRECT, state: "st-123" };

function requestId(html: string): string {
  const match = /name="request_id" value="([^"]+)"/.exec(html);
  if (!match) throw new Error(`no request_id in ${html}`);
  return match[1]!;
}

/** Posts the consent form; returns the redirect's URL. */
async function decide(sb: Sandbox, id: string, decision: "approve" | "deny"): Promise<URL> {
  const res = await http(`${origin(sb)}/oauth/authorize`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ request_id: id, decision }).toString(),
  });
  expect(res.status).toBe(302);
  return new URL(String(res.headers.location));
}

/** Consent shown and approved: the code. */
async function approvedCode(sb: Sandbox, params: Record<string, string> = {}): Promise<string> {
  const page = await http(authorizeUrl(sb, { ...defaults, ...params }));
  expect(page.status).toBe(200);
  const back = await decide(sb, requestId(page.text), "approve");
  return back.searchParams.get("code")!;
}

async function token(sb: Sandbox, form: Record<string, string>, basic: [string, string] | null = [CLIENT, SECRET]) {
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  if (basic) headers.authorization = `Basic ${Buffer.from(basic.join(":")).toString("base64")}`;
  return http(sb.oauth.tokenEndpoint, { method: "POST", headers, body: new URLSearchParams(form).toString() });
}

const exchange = (sb: Sandbox, code: string, extra: Record<string, string> = {}) =>
  token(sb, { grant_type: "authorization_code", code, redirect_uri: REDIRECT, ...extra });

const customer = (sb: Sandbox, accessToken: string) =>
  http(`${sb.url}/customers/${SEED_IDS.customer}`, { headers: { authorization: `Bearer ${accessToken}` } });

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

describe("sandbox OAuth", () => {
  let sb: Sandbox;
  let badKeyBody: unknown;

  beforeAll(async () => {
    sb = await start();
    badKeyBody = (await http(`${sb.url}/customers/${SEED_IDS.customer}`, { headers: { "x-api-key": "nope" } })).json;
  });
  afterAll(() => sb.close());

  it("serves a consent page with two buttons, a strict CSP, no framing, and no raw parameters in the form", async () => {
    const page = await http(authorizeUrl(sb, { ...defaults, state: "secret-state-value", scope: "api" }));
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toMatch(/^text\/html/);
    expect(page.headers["x-frame-options"]).toBe("DENY");
    const csp = String(page.headers["content-security-policy"]);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    // No form-action: the approval's redirect chain must reach whatever the client's callback sends on.
    expect(csp).not.toContain("form-action");
    expect(csp).not.toContain("unsafe-inline");
    expect(page.text).toContain('<form method="post" action="/oauth/authorize">');
    expect(page.text).toContain('<button type="submit" name="decision" value="approve">');
    expect(page.text).toContain('<button type="submit" name="decision" value="deny">');
    expect(page.text).toContain(CLIENT);
    expect(page.text).toContain("sandbox-merchant-1");
    expect(page.text).not.toContain("secret-state-value");
    expect(page.text).not.toMatch(/<(script|img|link)\b/);
    const hidden = [...page.text.matchAll(/<input type="hidden" name="([^"]+)"/g)].map((m) => m[1]);
    expect(hidden).toEqual(["request_id"]);
  });

  it("approve redirects with a code and the state; the code buys tokens that read a customer", async () => {
    const page = await http(authorizeUrl(sb, defaults));
    const back = await decide(sb, requestId(page.text), "approve");
    expect(back.origin + back.pathname).toBe(REDIRECT);
    expect(back.searchParams.get("state")).toBe("st-123");
    const code = back.searchParams.get("code")!;
    expect(code).toMatch(/^[\w-]{20,}$/);

    // client_secret_post this time
    const res = await token(
      sb,
      { grant_type: "authorization_code", code, redirect_uri: REDIRECT, client_id: CLIENT, client_secret: SECRET },
      null,
    );
    expect(res.status).toBe(200);
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.json).toEqual({
      access_token: expect.any(String),
      token_type: "Bearer",
      expires_in: 3600,
      refresh_token: expect.any(String),
      scope: "api",
    });
    const read = await customer(sb, res.json.access_token);
    expect(read.status).toBe(200);
    expect(read.json).toMatchObject({ code: 1, id: SEED_IDS.customer });

    const v1 = await http(`${origin(sb)}/v1`, {
      method: "POST",
      headers: { authorization: `bearer ${res.json.access_token}`, "content-type": "application/json" },
      body: JSON.stringify({ request: { type: "license_key", method: "retrieve", id: SEED_IDS.licenseKey } }),
    });
    expect(v1.status).toBe(200);
    expect(v1.json).toMatchObject({ code: 1, total_count: 1 });
  });

  it("deny redirects with access_denied and the state; the consent cannot be answered twice", async () => {
    const page = await http(authorizeUrl(sb, defaults));
    const id = requestId(page.text);
    const back = await decide(sb, id, "deny");
    expect(back.origin + back.pathname).toBe(REDIRECT);
    expect(Object.fromEntries(back.searchParams)).toEqual({ error: "access_denied", state: "st-123" });
    expect(back.searchParams.has("code")).toBe(false);

    for (const requestIdValue of [id, "made-up"]) {
      const again = await http(`${origin(sb)}/oauth/authorize`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: `request_id=${requestIdValue}&decision=approve`,
      });
      expect(again.status).toBe(400);
      expect(again.headers.location).toBeUndefined();
      expect(again.headers["content-type"]).toMatch(/^text\/html/);
    }
  });

  it("refuses an unknown client or an untrusted redirect_uri with a page, never a redirect", async () => {
    for (const params of [
      { client_id: "someone-else" },
      { client_id: "" },
      { redirect_uri: "http://evil.example/callback" }, // plain http off loopback
      { redirect_uri: "https://app.example/cb#frag" },
      { redirect_uri: "javascript:alert(1)" },
      { redirect_uri: "" },
    ]) {
      const res = await http(authorizeUrl(sb, { ...defaults, ...params }));
      expect(res.status, JSON.stringify(params)).toBe(400);
      expect(res.headers.location).toBeUndefined();
      expect(res.headers["x-frame-options"]).toBe("DENY");
    }
    // https anywhere, and http on loopback, are trusted for a client without registered URIs
    for (const redirect_uri of ["https://app.example/cb", "http://localhost:1234/cb", "http://[::1]:99/x"]) {
      expect((await http(authorizeUrl(sb, { ...defaults, redirect_uri }))).status).toBe(200);
    }
  });

  it("once the redirect_uri is trusted, a bad request goes back to it as an error", async () => {
    const wrongType = await http(authorizeUrl(sb, { ...defaults, response_type: "token" }));
    expect(wrongType.status).toBe(302);
    const back = new URL(String(wrongType.headers.location));
    expect(back.searchParams.get("error")).toBe("unsupported_response_type");
    expect(back.searchParams.get("state")).toBe("st-123");

    const plain = await http(
      authorizeUrl(sb, { ...defaults, code_challenge: pkce().challenge, code_challenge_method: "plain" }),
    );
    expect(new URL(String(plain.headers.location)).searchParams.get("error")).toBe("invalid_request");
  });

  it("authenticates the client at the token endpoint", async () => {
    const code = await approvedCode(sb);
    const bad = await token(sb, { grant_type: "authorization_code", code, redirect_uri: REDIRECT }, [CLIENT, "no"]);
    expect(bad.status).toBe(401);
    expect(bad.json).toMatchObject({ error: "invalid_client" });
    expect(bad.headers["www-authenticate"]).toMatch(/^Basic/);
    expect((await exchange(sb, code)).status).toBe(200); // a refused client did not spend the code
    const unknown = await token(sb, { grant_type: "refresh_token", refresh_token: "x" }, ["who", SECRET]);
    expect(unknown.status).toBe(401);
    const none = await token(sb, { grant_type: "refresh_token", refresh_token: "x" }, null);
    expect(none.json).toMatchObject({ error: "invalid_client" });
    const unsupported = await token(sb, { grant_type: "password", username: "a", password: "b" });
    expect(unsupported.status).toBe(400);
    expect(unsupported.json).toMatchObject({ error: "unsupported_grant_type" });
    const json = await http(sb.oauth.tokenEndpoint, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ grant_type: "refresh_token", refresh_token: "x" }),
    });
    expect(json.status).toBe(400);
    expect(json.json).toMatchObject({ error: "invalid_request" });
  });

  it("refuses a code at another redirect_uri, and the code is spent by the attempt", async () => {
    const code = await approvedCode(sb);
    const other = await exchange(sb, code, { redirect_uri: "http://127.0.0.1:8976/other" });
    expect(other.status).toBe(400);
    expect(other.json).toMatchObject({ error: "invalid_grant" });
    expect((await exchange(sb, code)).json).toMatchObject({ error: "invalid_grant" });
  });

  it("checks the PKCE verifier when the consent carried a challenge", async () => {
    const { verifier, challenge } = pkce();
    const params = { code_challenge: challenge, code_challenge_method: "S256" };
    const wrong = await exchange(sb, await approvedCode(sb, params), { code_verifier: pkce().verifier });
    expect(wrong.json).toMatchObject({ error: "invalid_grant" });
    const missing = await exchange(sb, await approvedCode(sb, params));
    expect(missing.json).toMatchObject({ error: "invalid_grant" });
    const unasked = await exchange(sb, await approvedCode(sb), { code_verifier: verifier });
    expect(unasked.json).toMatchObject({ error: "invalid_grant" });
    const right = await exchange(sb, await approvedCode(sb, params), { code_verifier: verifier });
    expect(right.status).toBe(200);
    expect(right.json.access_token).toEqual(expect.any(String));
  });

  it("a reused code is refused and revokes what it bought", async () => {
    const code = await approvedCode(sb);
    const first = await exchange(sb, code);
    expect(first.status).toBe(200);
    const refreshed = await token(sb, { grant_type: "refresh_token", refresh_token: first.json.refresh_token });
    expect((await customer(sb, refreshed.json.access_token)).status).toBe(200);

    const again = await exchange(sb, code);
    expect(again.status).toBe(400);
    expect(again.json).toMatchObject({ error: "invalid_grant" });
    for (const t of [first.json.access_token, refreshed.json.access_token]) {
      const res = await customer(sb, t);
      expect(res.status).toBe(401);
      expect(res.json).toEqual(badKeyBody);
    }
    const refreshAfter = await token(sb, { grant_type: "refresh_token", refresh_token: refreshed.json.refresh_token });
    expect(refreshAfter.json).toMatchObject({ error: "invalid_grant" });
  });

  it("rotates refresh tokens: each refresh hands a new one and the old one is refused; refreshes are counted", async () => {
    const before = sb.oauth.tokenRequests();
    const first = await exchange(sb, await approvedCode(sb));
    const second = await token(sb, { grant_type: "refresh_token", refresh_token: first.json.refresh_token });
    expect(second.status).toBe(200);
    expect(second.headers["cache-control"]).toBe("no-store");
    expect(second.json.refresh_token).not.toBe(first.json.refresh_token);
    expect(second.json.access_token).not.toBe(first.json.access_token);
    expect(second.json).toMatchObject({ token_type: "Bearer", scope: "api" });

    const old = await token(sb, { grant_type: "refresh_token", refresh_token: first.json.refresh_token });
    expect(old.status).toBe(400);
    expect(old.json).toMatchObject({ error: "invalid_grant" });
    const third = await token(sb, { grant_type: "refresh_token", refresh_token: second.json.refresh_token });
    expect(third.status).toBe(200);
    expect((await customer(sb, third.json.access_token)).status).toBe(200);

    const after = sb.oauth.tokenRequests();
    expect(after.authorization_code - before.authorization_code).toBe(1);
    expect(after.refresh_token - before.refresh_token).toBe(3);
  });

  it("codes and access tokens expire on the sandbox's clock; an expired bearer gets the bad-key 401", async () => {
    const stale = await approvedCode(sb);
    sb.clock.advance(61_000);
    expect((await exchange(sb, stale)).json).toMatchObject({ error: "invalid_grant" });

    sb.oauth.setAccessTokenTtl(120);
    try {
      const tokens = await exchange(sb, await approvedCode(sb));
      expect(tokens.json.expires_in).toBe(120);
      sb.clock.advance(119_000);
      expect((await customer(sb, tokens.json.access_token)).status).toBe(200);
      sb.clock.advance(2_000);
      const expired = await customer(sb, tokens.json.access_token);
      expect(expired.status).toBe(401);
      expect(expired.json).toEqual(badKeyBody);
      // the refresh token outlives it
      const renewed = await token(sb, { grant_type: "refresh_token", refresh_token: tokens.json.refresh_token });
      expect((await customer(sb, renewed.json.access_token)).status).toBe(200);
    } finally {
      sb.oauth.setAccessTokenTtl(3600);
    }
  });

  it("an unknown or malformed bearer, or a revoked one, gets the bad-key 401", async () => {
    const tokens = await exchange(sb, await approvedCode(sb));
    for (const authorization of ["Bearer made-up", "Bearer", `Basic ${tokens.json.access_token}`, ""]) {
      const res = await http(`${sb.url}/customers/${SEED_IDS.customer}`, { headers: { authorization } });
      expect(res.status, authorization).toBe(401);
      expect(res.json).toEqual(badKeyBody);
    }
    // a bad x-api-key is not rescued by a good bearer
    const both = await http(`${sb.url}/customers/${SEED_IDS.customer}`, {
      headers: { authorization: `Bearer ${tokens.json.access_token}`, "x-api-key": "nope" },
    });
    expect(both.status).toBe(401);

    sb.oauth.revokeAll();
    expect((await customer(sb, tokens.json.access_token)).json).toEqual(badKeyBody);
    const refresh = await token(sb, { grant_type: "refresh_token", refresh_token: tokens.json.refresh_token });
    expect(refresh.json).toMatchObject({ error: "invalid_grant" });
    // the API key is untouched
    const byKey = await http(`${sb.url}/customers/${SEED_IDS.customer}`, { headers: { "x-api-key": "sandbox-key" } });
    expect(byKey.status).toBe(200);
  });

  it("signs in with oauth4webapi: discovery, PKCE, client_secret_basic, refresh", async () => {
    const issuer = new URL(sb.oauth.issuer);
    const insecure = { [oauth.allowInsecureRequests]: true };
    const as = await oauth.processDiscoveryResponse(
      issuer,
      await oauth.discoveryRequest(issuer, { algorithm: "oauth2", ...insecure }),
    );
    expect(as.token_endpoint).toBe(sb.oauth.tokenEndpoint);
    const client: oauth.Client = { client_id: CLIENT };
    const auth = oauth.ClientSecretBasic(SECRET);
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const url = new URL(as.authorization_endpoint!);
    url.search = new URLSearchParams({
      response_type: "code",
      client_id: CLIENT,
      redirect_uri: REDIRECT,
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
    }).toString();
    const page = await http(url.href);
    const callback = await decide(sb, requestId(page.text), "approve");

    const params = oauth.validateAuthResponse(as, client, callback, state);
    const response = await oauth.authorizationCodeGrantRequest(as, client, auth, params, REDIRECT, verifier, insecure);
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response);
    expect(tokens.token_type).toBe("bearer"); // oauth4webapi lower-cases it
    expect((await customer(sb, tokens.access_token)).status).toBe(200);

    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token!, insecure),
    );
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect((await customer(sb, refreshed.access_token)).status).toBe(200);

    // the rotated-out refresh token is an invalid_grant to oauth4webapi too
    await expect(
      oauth.processRefreshTokenResponse(
        as,
        client,
        await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token!, insecure),
      ),
    ).rejects.toMatchObject({ error: "invalid_grant" });

    // a denial is an access_denied error to it
    const denied = await decide(sb, requestId((await http(url.href)).text), "deny");
    expect(() => oauth.validateAuthResponse(as, client, denied, state)).toThrow(
      expect.objectContaining({ error: "access_denied" }),
    );
  });
});

describe("sandbox OAuth options", () => {
  it("takes its clients, their registered redirect URIs and the access token lifetime from its options", async () => {
    const sb = await start({
      oauthClients: [
        { id: "app", secret: "s3cret", name: "Claude <Desktop>", redirectUris: ["https://app.example/cb"] },
      ],
      oauthAccessTokenTtlSeconds: 90,
    });
    try {
      const unregistered = await http(authorizeUrl(sb, { ...defaults, client_id: "app" }));
      expect(unregistered.status).toBe(400);
      expect((await http(authorizeUrl(sb, defaults))).status).toBe(400); // sandbox-client is not there
      const page = await http(
        authorizeUrl(sb, { ...defaults, client_id: "app", redirect_uri: "https://app.example/cb" }),
      );
      expect(page.status).toBe(200);
      expect(page.text).toContain("Claude &lt;Desktop&gt;");
      const back = await decide(sb, requestId(page.text), "approve");
      expect(back.origin).toBe("https://app.example");
      const res = await token(
        sb,
        {
          grant_type: "authorization_code",
          code: back.searchParams.get("code")!,
          redirect_uri: "https://app.example/cb",
        },
        ["app", "s3cret"],
      );
      expect(res.json).toMatchObject({ expires_in: 90, token_type: "Bearer" });
    } finally {
      await sb.close();
    }
  });
});
