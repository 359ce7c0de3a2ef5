// Remote connectors sign in with OAuth, through the SDK's own client (StreamableHTTPClientTransport
// with an OAuthClientProvider) against the server in-process on real loopback HTTP and the
// sandbox's emulation of RevCent's OAuth: discovery from the 401, registration, our consent page
// and RevCent's (approve and deny), tokens, tool calls whose RevCent requests carry RevCent's
// bearer (never ours), token expiry and refresh on both sides, and revocation.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startHttpInProcess, type InProcessHttpServer } from "../helpers/in-process.js";
import { SEED_IDS, newSandbox, recordingProxy, type RecordingProxy, type Sandbox } from "../http/helpers.js";
import { TestOAuthClient, oauthEnv, pingWithToken, revoke, walkSignIn } from "./helpers.js";

let sandbox: Sandbox;
let proxy: RecordingProxy;
let http: InProcessHttpServer;

beforeAll(async () => {
  sandbox = await newSandbox();
  proxy = await recordingProxy(sandbox);
  http = await startHttpInProcess(["--api-url", proxy.url, "--auth", "oauth"], oauthEnv(sandbox.url));
});
afterEach(() => {
  vi.useRealTimers();
});
afterAll(async () => {
  await http.close();
  await proxy.close();
  await sandbox.close();
});

/** Connects, signs in (our page and RevCent's approved) when the server asks, and connects again. */
async function signedIn(oauth = new TestOAuthClient()): Promise<{ client: Client; oauth: TestOAuthClient }> {
  const first = new Client({ name: "oauth-tests", version: "0.0.0" });
  await expect(
    first.connect(new StreamableHTTPClientTransport(new URL(http.url), { authProvider: oauth })),
  ).rejects.toThrow(UnauthorizedError);
  const back = await walkSignIn(oauth.authorizationUrl!, "approve");
  const transport = new StreamableHTTPClientTransport(new URL(http.url), { authProvider: oauth });
  await transport.finishAuth(back.searchParams.get("code")!);
  const client = new Client({ name: "oauth-tests", version: "0.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(http.url), { authProvider: oauth }));
  return { client, oauth };
}

const customer = (client: Client) =>
  client.callTool({ name: "GetCustomer", arguments: { customer_id: SEED_IDS.customer } });

describe("sign-in through RevCent", () => {
  it("discovers, registers, signs in, and calls RevCent with RevCent's token, never its own", async () => {
    const { client, oauth } = await signedIn();
    const seenBefore = proxy.seen.length;
    const result = await customer(client);
    expect(result.isError, JSON.stringify(result)).toBeFalsy();
    const upstream = proxy.seen.slice(seenBefore).filter((r) => r.path.includes("/customers/"));
    expect(upstream.length).toBeGreaterThan(0);
    for (const r of upstream) {
      expect(r.headers["x-api-key"]).toBeUndefined();
      expect(r.headers.authorization).toMatch(/^Bearer rcsb_at_/);
      expect(r.headers.authorization).not.toContain(oauth.saved!.access_token);
    }
    expect(oauth.saved?.refresh_token).toBeTruthy();
    // No token of either side in the server's log.
    const log = http.stderr();
    for (const secret of [
      oauth.saved!.access_token,
      oauth.saved!.refresh_token!,
      upstream[0]!.headers.authorization!.slice(7),
    ])
      expect(log).not.toContain(secret);
    await client.close();
  });

  it("a person who declines on our page, or at RevCent, sends the client back with access_denied", async () => {
    for (const [ours, revcent] of [
      ["deny", "approve"],
      ["approve", "deny"],
    ] as const) {
      const oauth = new TestOAuthClient();
      const client = new Client({ name: "oauth-tests", version: "0.0.0" });
      await expect(
        client.connect(new StreamableHTTPClientTransport(new URL(http.url), { authProvider: oauth })),
      ).rejects.toThrow(UnauthorizedError);
      const back = await walkSignIn(oauth.authorizationUrl!, ours, revcent);
      expect(back.searchParams.get("error")).toBe("access_denied");
      expect(back.searchParams.get("code")).toBeNull();
    }
  });

  it("expired tokens on both sides are refreshed without a new sign-in", async () => {
    const { client, oauth } = await signedIn();
    expect((await customer(client)).isError).toBeFalsy();
    const firstAccess = oauth.saved!.access_token;
    const refreshesBefore = sandbox.oauth.tokenRequests().refresh_token;
    // Two hours on: our access token (1 h) and RevCent's (1 h) have both lapsed.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 2 * 3600_000 });
    const later = await customer(client).catch(async () => {
      // The SDK refreshes on the 401 and the next call goes through.
      const again = new Client({ name: "oauth-tests", version: "0.0.0" });
      await again.connect(new StreamableHTTPClientTransport(new URL(http.url), { authProvider: oauth }));
      return customer(again);
    });
    expect(later.isError, JSON.stringify(later)).toBeFalsy();
    expect(oauth.saved!.access_token).not.toBe(firstAccess);
    expect(sandbox.oauth.tokenRequests().refresh_token).toBe(refreshesBefore + 1);
  });

  it("a revoked grant ends: the next call asks for a new sign-in", async () => {
    const { client, oauth } = await signedIn();
    expect((await customer(client)).isError).toBeFalsy();
    expect((await revoke(http.url, oauth.saved!.refresh_token!, oauth.info!.client_id)).status).toBe(200);
    const res = await pingWithToken(http.url, oauth.saved!.access_token);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/resource_metadata="[^"]+oauth-protected-resource\/mcp"/);
  });
});
