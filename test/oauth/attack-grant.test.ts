// A grant outlives what it stands for: RevCent ends the sign-in behind it (the merchant revokes
// the app, the refresh token is refused) or its vault record can no longer be opened. The MCP
// grant must end with it — the access token refused at /mcp with the challenge, the refresh token
// refused — so the client signs in again, instead of holding a token whose every call fails.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpInProcess, type InProcessHttpServer } from "../helpers/in-process.js";
import { SEED_IDS, newSandbox, type Sandbox } from "../http/helpers.js";
import { TestOAuthClient, oauthEnv, pingWithToken, walkSignIn } from "./helpers.js";

let sandbox: Sandbox;
let http: InProcessHttpServer;
beforeAll(async () => {
  sandbox = await newSandbox();
  http = await startHttpInProcess(["--api-url", sandbox.url, "--auth", "oauth"], oauthEnv(sandbox.url));
});
afterAll(async () => {
  await http.close();
  await sandbox.close();
});

async function signedIn(): Promise<{ client: Client; oauth: TestOAuthClient }> {
  const oauth = new TestOAuthClient();
  const first = new Client({ name: "attack", version: "0.0.0" });
  await expect(
    first.connect(new StreamableHTTPClientTransport(new URL(http.url), { authProvider: oauth })),
  ).rejects.toThrow(UnauthorizedError);
  const back = await walkSignIn(oauth.authorizationUrl!, "approve");
  await new StreamableHTTPClientTransport(new URL(http.url), { authProvider: oauth }).finishAuth(
    back.searchParams.get("code")!,
  );
  const client = new Client({ name: "attack", version: "0.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(http.url), { authProvider: oauth }));
  return { client, oauth };
}

async function refresh(oauth: TestOAuthClient): Promise<Record<string, unknown>> {
  const res = await fetch(new URL("/token", http.url), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "refresh_token",
      refresh_token: oauth.saved!.refresh_token!,
      client_id: oauth.info!.client_id,
    }),
  });
  return (await res.json()) as Record<string, unknown>;
}

describe("a grant whose RevCent sign-in ended", () => {
  it("is refused at /mcp and cannot be refreshed", async () => {
    const { client, oauth } = await signedIn();
    const customer = () => client.callTool({ name: "GetCustomer", arguments: { customer_id: SEED_IDS.customer } });
    expect((await customer()).isError).toBeFalsy();
    // The merchant revokes the app at RevCent: its access token is refused, its refresh too.
    sandbox.oauth.revokeAll();
    const failed = await customer().catch((err: Error) => ({ isError: true, content: err.message }));
    expect(failed.isError).toBe(true);
    const ping = await pingWithToken(http.url, oauth.saved!.access_token);
    expect(ping.status, "the MCP access token still opens /mcp").toBe(401);
    expect(ping.headers.get("www-authenticate")).toMatch(/resource_metadata=/);
    expect((await refresh(oauth)).error, "the MCP refresh token still buys tokens").toBe("invalid_grant");
    await client.close().catch(() => undefined);
  });
});
