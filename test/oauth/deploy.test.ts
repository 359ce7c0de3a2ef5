// OAuth as it is deployed: two instances behind one Redis share grants (a sign-in through A serves
// calls through B), the built server started as `--sandbox --transport http --auth oauth` with
// nothing else set signs a client in, and a real Chromium clicks through both consent pages while
// the SDK's client waits for the redirect.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { createServer, type Server } from "node:http";
import { Redis } from "ioredis";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../helpers/browser.js";
import { startHttpInProcess } from "../helpers/in-process.js";
import { SEED_IDS, newSandbox, startHttpServer, startRedis, type RedisProcess, type Sandbox } from "../http/helpers.js";
import { TestOAuthClient, oauthEnv, pingWithToken, revoke, walkSignIn } from "./helpers.js";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await newSandbox();
});
afterAll(() => sandbox.close());

async function signIn(url: string, oauth: TestOAuthClient, walk: (authorizationUrl: URL) => Promise<URL>) {
  const first = new Client({ name: "deploy-tests", version: "0.0.0" });
  await expect(first.connect(new StreamableHTTPClientTransport(new URL(url), { authProvider: oauth }))).rejects.toThrow(
    UnauthorizedError,
  );
  const back = await walk(oauth.authorizationUrl!);
  await new StreamableHTTPClientTransport(new URL(url), { authProvider: oauth }).finishAuth(
    back.searchParams.get("code")!,
  );
}

async function connected(url: string, oauth: TestOAuthClient): Promise<Client> {
  const client = new Client({ name: "deploy-tests", version: "0.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { authProvider: oauth }));
  return client;
}

describe("two instances behind one Redis", () => {
  let redis: RedisProcess;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis.stop());

  it("a grant made through A serves calls through B, and a grant revoked through B ends on A", async () => {
    const env = {
      ...oauthEnv(sandbox.url),
      REDIS_URL: redis.url,
      REVCENT_GUARD_SECRET: "shared-guard-secret-for-tests",
    };
    const a = await startHttpInProcess(["--api-url", sandbox.url, "--auth", "oauth"], env);
    // B serves the same public URL (behind one load balancer both are that URL).
    const b = await startHttpInProcess(["--api-url", sandbox.url, "--auth", "oauth"], {
      ...env,
      MCP_PUBLIC_URL: new URL(a.url).origin,
    });
    try {
      const oauth = new TestOAuthClient();
      await signIn(a.url, oauth, (url) => walkSignIn(url, "approve"));
      // A registered client lives in Redis with a lifetime (registrations cannot pile up forever).
      const store = new Redis(redis.url);
      try {
        const clientKey = `revcent-mcp:oauth:Client:${oauth.info!.client_id}`;
        expect(await store.ttl(clientKey)).toBeGreaterThan(29 * 24 * 3600);
      } finally {
        store.disconnect();
      }
      const viaB = await connected(b.url, oauth);
      const result = await viaB.callTool({ name: "GetCustomer", arguments: { customer_id: SEED_IDS.customer } });
      expect(result.isError, JSON.stringify(result)).toBeFalsy();
      await viaB.close();
      // The same store behind another resource (another public URL): the token is not for it.
      const other = await startHttpInProcess(["--api-url", sandbox.url, "--auth", "oauth"], {
        ...env,
        MCP_PUBLIC_URL: "https://other-server.example",
      });
      try {
        const elsewhere = await pingWithToken(other.url, oauth.saved!.access_token);
        expect(elsewhere.status).toBe(401);
        expect(elsewhere.headers.get("www-authenticate")).toContain("invalid_token");
      } finally {
        await other.close();
      }
      expect((await pingWithToken(b.url, oauth.saved!.access_token)).status, "still good where it belongs").not.toBe(
        401,
      );
      expect((await revoke(b.url, oauth.saved!.refresh_token!, oauth.info!.client_id)).status).toBe(200);
      const onA = await pingWithToken(a.url, oauth.saved!.access_token);
      expect(onA.status).toBe(401);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe("the built server, --sandbox --transport http --auth oauth and nothing else", () => {
  it("signs a client in against its own sandbox and serves its calls", async () => {
    const server = await startHttpServer(["--sandbox", "--transport", "http", "--port", "0", "--auth", "oauth"], {});
    try {
      const oauth = new TestOAuthClient();
      await signIn(server.url, oauth, (url) => walkSignIn(url, "approve"));
      const client = await connected(server.url, oauth);
      const result = await client.callTool({ name: "GetCustomer", arguments: { customer_id: SEED_IDS.customer } });
      expect(result.isError, JSON.stringify(result)).toBeFalsy();
      await client.close();
      expect(server.stderr()).not.toContain(oauth.saved!.access_token);
    } finally {
      await server.stop();
    }
  });
});

describe("in a real browser", () => {
  let browser: Browser;
  let redirect: Server;
  let redirectUri: string;
  let received: ((url: URL) => void) | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
    redirect = createServer((req, res) => {
      const url = new URL(req.url ?? "/", redirectUri);
      if (url.pathname !== "/callback") return void res.writeHead(404).end();
      received?.(url);
      res.writeHead(200, { "content-type": "text/html" }).end("<p>Signed in; you can close this window.</p>");
    });
    await new Promise<void>((resolve) => redirect.listen(0, "127.0.0.1", resolve));
    redirectUri = `http://127.0.0.1:${(redirect.address() as AddressInfo).port}/callback`;
  });
  afterAll(async () => {
    await browser?.close();
    redirect?.closeAllConnections();
    await new Promise((resolve) => redirect?.close(resolve));
  });

  it("Chromium clicks through our page and RevCent's while the SDK's client waits for the redirect", async () => {
    const http = await startHttpInProcess(["--api-url", sandbox.url, "--auth", "oauth"], oauthEnv(sandbox.url));
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("console", (msg) => {
      if (/Content Security Policy|Refused to/i.test(msg.text())) problems.push(msg.text());
    });
    try {
      const oauth = new TestOAuthClient("Chromium test client", redirectUri);
      const arrived = new Promise<URL>((resolve) => (received = resolve));
      await signIn(http.url, oauth, async (url) => {
        await page.goto(url.href);
        await page.getByRole("button", { name: "Continue to RevCent" }).click();
        await page.locator('button[name="decision"][value="approve"]').click();
        return arrived;
      });
      expect(problems).toEqual([]);
      const client = await connected(http.url, oauth);
      const result = await client.callTool({ name: "GetCustomer", arguments: { customer_id: SEED_IDS.customer } });
      expect(result.isError, JSON.stringify(result)).toBeFalsy();
      await client.close();
    } finally {
      await page.close();
      await http.close();
    }
  });
});
