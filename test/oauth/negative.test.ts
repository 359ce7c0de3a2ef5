// What an attacker on the open internet tries against the authorization server, each refused:
// a redirect URI that was not registered, no PKCE or `plain`, a code used twice (and the grant it
// made then revoked), a token for another resource, a made-up, expired or revoked token, a refresh
// token used after it was rotated (the whole grant is revoked), and /mcp without a token.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createHash, randomBytes } from "node:crypto";
import { startHttpInProcess, type InProcessHttpServer } from "../helpers/in-process.js";
import { newSandbox, type Sandbox } from "../http/helpers.js";
import { REDIRECT_URI, oauthEnv, walkSignIn } from "./helpers.js";
import { registerClient } from "./helpers.js";

let sandbox: Sandbox;
let http: InProcessHttpServer;
let origin: string;
let resource: string;
beforeAll(async () => {
  sandbox = await newSandbox();
  // Many sign-ins from one address in a few seconds: more than a person would make.
  http = await startHttpInProcess(
    ["--api-url", sandbox.url, "--auth", "oauth", "--rate-limit", "500"],
    oauthEnv(sandbox.url),
  );
  origin = new URL(http.url).origin;
  resource = `${origin}/mcp`;
});
afterEach(() => {
  vi.useRealTimers();
});
afterAll(async () => {
  await http.close();
  await sandbox.close();
});

const register = () => registerClient(origin, "attacker's own");

function authorizeUrl(clientId: string, extra: Record<string, string> = {}, verifier = "v".repeat(50)): URL {
  const url = new URL(`${origin}/authorize`);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    scope: "mcp",
    state: "s1",
    resource,
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
    ...extra,
  }).toString();
  return url;
}

async function token(params: Record<string, string>): Promise<{ status: number; body: Record<string, any> }> {
  const res = await fetch(`${origin}/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(params),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

async function codeFor(clientId: string, verifier = "v".repeat(50)): Promise<string> {
  const back = await walkSignIn(authorizeUrl(clientId, {}, verifier), "approve");
  return back.searchParams.get("code")!;
}

async function tokensFor(clientId: string) {
  const verifier = randomBytes(32).toString("base64url");
  const code = await codeFor(clientId, verifier);
  const { status, body } = await token({
    grant_type: "authorization_code",
    code,
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    code_verifier: verifier,
    resource,
  });
  expect(status, JSON.stringify(body)).toBe(200);
  return body as { access_token: string; refresh_token: string; expires_in: number };
}

async function mcp(accessToken: string | undefined): Promise<Response> {
  return fetch(http.url, {
    method: "POST",
    headers: {
      ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}),
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": "2025-11-25",
    },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "n", version: "0" } },
    }),
  });
}

describe("the authorization endpoint", () => {
  it("refuses a redirect URI that was not registered, without redirecting to it", async () => {
    const clientId = await register();
    const url = authorizeUrl(clientId, { redirect_uri: "https://attacker.example/steal" });
    const res = await fetch(url, { redirect: "manual" });
    expect(res.status).toBe(400);
    expect(res.headers.get("location")).toBeNull();
  });

  it("refuses a request without PKCE, or with plain", async () => {
    const clientId = await register();
    for (const params of [
      { code_challenge: "", code_challenge_method: "" },
      { code_challenge: "v".repeat(50), code_challenge_method: "plain" },
    ]) {
      const url = authorizeUrl(clientId);
      for (const [k, v] of Object.entries(params)) v ? url.searchParams.set(k, v) : url.searchParams.delete(k);
      const res = await fetch(url, { redirect: "manual" });
      const to = new URL(res.headers.get("location") ?? "http://none/");
      expect(to.href.startsWith(REDIRECT_URI) ? to.searchParams.get("error") : res.status).toMatch(
        /invalid_request|400/,
      );
      expect(to.searchParams.get("code")).toBeNull();
    }
  });
});

describe("the token endpoint", () => {
  it("a code works once; used again it is refused and the tokens it bought stop working", async () => {
    const clientId = await register();
    const verifier = randomBytes(32).toString("base64url");
    const code = await codeFor(clientId, verifier);
    const exchange = () =>
      token({
        grant_type: "authorization_code",
        code,
        client_id: clientId,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
      });
    const first = await exchange();
    expect(first.status).toBe(200);
    expect((await mcp(first.body.access_token)).status).toBe(200);
    const again = await exchange();
    expect(again.body.error).toBe("invalid_grant");
    expect((await mcp(first.body.access_token)).status).toBe(401);
  });

  it("a wrong code verifier is refused", async () => {
    const clientId = await register();
    const code = await codeFor(clientId, "right-verifier-".repeat(4));
    const res = await token({
      grant_type: "authorization_code",
      code,
      client_id: clientId,
      redirect_uri: REDIRECT_URI,
      code_verifier: "wrong-verifier-".repeat(4),
    });
    expect(res.body.error).toBe("invalid_grant");
  });

  it("issues tokens only for this server's /mcp: another resource is refused", async () => {
    const clientId = await register();
    const verifier = randomBytes(32).toString("base64url");
    const back = await walkSignIn(authorizeUrl(clientId, {}, verifier), "approve");
    const res = await token({
      grant_type: "authorization_code",
      code: back.searchParams.get("code")!,
      client_id: clientId,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
      resource: "https://other.example/mcp",
    });
    expect(res.body.error).toBe("invalid_target");
  });

  it("a refresh token used after rotation revokes the whole grant", async () => {
    const clientId = await register();
    const first = await tokensFor(clientId);
    const rotated = await token({
      grant_type: "refresh_token",
      refresh_token: first.refresh_token,
      client_id: clientId,
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.refresh_token).not.toBe(first.refresh_token);
    expect((await mcp(rotated.body.access_token)).status).toBe(200);
    const reuse = await token({ grant_type: "refresh_token", refresh_token: first.refresh_token, client_id: clientId });
    expect(reuse.body.error).toBe("invalid_grant");
    // The thief's replay ended the grant for everyone holding its tokens.
    expect((await mcp(rotated.body.access_token)).status).toBe(401);
    const next = await token({
      grant_type: "refresh_token",
      refresh_token: rotated.body.refresh_token,
      client_id: clientId,
    });
    expect(next.body.error).toBe("invalid_grant");
  });
});

describe("/mcp", () => {
  it("without a token, with a made-up one, or an expired one: 401 with the challenge, nothing opened", async () => {
    const sessions = http.sessions();
    for (const bearer of [undefined, "made-up-token", randomBytes(32).toString("base64url")]) {
      const res = await mcp(bearer);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toContain(
        `resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp"`,
      );
    }
    const clientId = await register();
    const { access_token } = await tokensFor(clientId);
    expect((await mcp(access_token)).status).toBe(200);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 3601_000 });
    expect((await mcp(access_token)).status).toBe(401);
    vi.useRealTimers();
    expect(http.sessions()).toBe(sessions + 1);
  });

  it("the discovery documents name this server as the authorization server of its /mcp", async () => {
    const prm = (await (await fetch(`${origin}/.well-known/oauth-protected-resource/mcp`)).json()) as Record<
      string,
      any
    >;
    expect(prm.resource).toBe(resource);
    expect(prm.authorization_servers).toEqual([origin]);
    // Clients that look at the root (the resource's path left off) find the same document.
    expect(await (await fetch(`${origin}/.well-known/oauth-protected-resource`)).json()).toEqual(prm);
    const as = (await (await fetch(`${origin}/.well-known/oauth-authorization-server`)).json()) as Record<string, any>;
    expect(as).toMatchObject({
      issuer: origin,
      registration_endpoint: `${origin}/register`,
      code_challenge_methods_supported: ["S256"],
    });
  });
});

describe("/register", () => {
  it("an address may register only a few clients an hour: a flood gets 429, not a store full of clients", async () => {
    const fresh = await startHttpInProcess(["--api-url", sandbox.url, "--auth", "oauth"], oauthEnv(sandbox.url));
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 25; i++) {
        const res = await fetch(new URL("/register", fresh.url), {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            client_name: `flood ${i}`,
            redirect_uris: [REDIRECT_URI],
            token_endpoint_auth_method: "none",
          }),
        });
        statuses.push(res.status);
        await res.body?.cancel();
      }
      expect(statuses.filter((s) => s === 201)).toHaveLength(20);
      expect(statuses.slice(20)).toEqual([429, 429, 429, 429, 429]);
    } finally {
      await fresh.close();
    }
  });
});

describe("RevCent's callback", () => {
  it("belongs to the browser that went to RevCent: a state carried to another browser is refused, and stays usable in the right one", async () => {
    const clientId = await register();
    // As far as the redirect to RevCent, by hand, keeping this browser's cookies.
    const jar: string[] = [];
    const step = async (url: URL, init: RequestInit = {}) => {
      const res = await fetch(url, {
        ...init,
        redirect: "manual",
        headers: { ...(init.headers as object), cookie: jar.join("; ") },
      });
      for (const line of res.headers.getSetCookie()) jar.push(line.split(";")[0]!);
      return res;
    };
    const toInteraction = await step(authorizeUrl(clientId));
    const interaction = new URL(toInteraction.headers.get("location")!, origin);
    await (await step(interaction)).text();
    const toRevCent = await step(interaction, {
      method: "POST",
      body: "decision=approve",
      headers: { "content-type": "application/x-www-form-urlencoded", origin },
    });
    const state = new URL(toRevCent.headers.get("location")!).searchParams.get("state")!;
    const callback = new URL(`/oauth/revcent/callback?code=anything&state=${state}`, origin);

    const elsewhere = await fetch(callback, { redirect: "manual" });
    expect(elsewhere.status).toBe(400);
    expect(await elsewhere.text()).toContain("started in another browser");
    // This browser still finishes (RevCent's code here is made up, so RevCent refuses it: the
    // sign-in goes back to the client as denied, which shows the state was still there to use).
    const here = await step(callback);
    expect(here.status).toBe(303);
    expect(here.headers.get("location")).toMatch(/^\/interaction\/[^/]+\/finish\?result=/);
  });
});
