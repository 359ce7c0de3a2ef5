// Both protocol revisions from one server: a 2025-11-25 client (the v1 SDK's, and the v2 SDK's
// default) opens with initialize; a 2026-07-28 client (the v2 SDK's, pinned) opens with
// server/discover and carries its version in every request's _meta. Over stdio, the built server
// as users start it; each client lists tools, calls one, reads a resource and gets a prompt.
import { Client as ClientV2, StreamableHTTPClientTransport as HttpV2 } from "@modelcontextprotocol/client";
import { Client as ClientV1 } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport as HttpV1 } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { modernRequest } from "./modern-request.js";
import { startHttpInProcess, type InProcessHttpServer } from "../helpers/in-process.js";
import { newSandbox, type Sandbox } from "../http/helpers.js";
import { StdioClientTransport as StdioV2 } from "@modelcontextprotocol/client/stdio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEED_IDS } from "../../src/sandbox/seed.js";
import { SERVER_ENTRY, startStdioClient } from "../helpers/stdio-client.js";
import { answerOf } from "../helpers/answer.js";

interface Session {
  listTools(): Promise<{ tools: { name: string }[] }>;
  callTool(params: { name: string; arguments: Record<string, unknown> }): Promise<unknown>;
  readResource(params: { uri: string }): Promise<{ contents: ({ uri: string } & Record<string, unknown>)[] }>;
  getPrompt(params: { name: string; arguments: Record<string, string> }): Promise<{ messages: unknown[] }>;
}

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await newSandbox();
});
afterAll(() => sandbox?.close());

async function exercise(session: Session): Promise<void> {
  const { tools } = await session.listTools();
  expect(tools.map((t) => t.name)).toContain("GetCustomer");
  const called = (await session.callTool({ name: "GetCustomer", arguments: { customer_id: SEED_IDS.customer } })) as {
    isError?: boolean;
    structuredContent?: Record<string, unknown>;
  };
  expect(called.isError ?? false).toBe(false);
  expect(answerOf(called)).toMatchObject({ email: "jane.doe@example.com" });
  const guide = await session.readResource({ uri: "revcent://guide" });
  expect(String(guide.contents[0]?.text)).toMatch(/verification_required/);
  const prompt = await session.getPrompt({ name: "revenue_report", arguments: { period: "last 30 days" } });
  expect(prompt.messages.length).toBeGreaterThan(0);
}

/** The v2 SDK's client in its default (2025-11-25) mode, and pinned to 2026-07-28. */
const V2_ERAS = [
  ["2025-11-25 (the v2 SDK's default)", undefined],
  ["2026-07-28 (pinned)", { mode: { pin: "2026-07-28" } }],
] as const;

function v2Client(versionNegotiation: (typeof V2_ERAS)[number][1]): ClientV2 {
  return new ClientV2({ name: "revision-tests", version: "0.0.0" }, versionNegotiation ? { versionNegotiation } : {});
}

describe("stdio, the built server", () => {
  it("serves a 2025-11-25 client of the v1 SDK", async () => {
    const started = await startStdioClient(["--api-url", sandbox.url], { REVCENT_API_KEY: "sandbox-key" });
    try {
      expect(started.client.getServerVersion()?.name).toBe("revcent-mcp");
      await exercise(started.client);
    } finally {
      await started.close();
    }
  });

  for (const [era, versionNegotiation] of V2_ERAS) {
    it(`serves a ${era} client of the v2 SDK`, async () => {
      const client = v2Client(versionNegotiation);
      const transport = new StdioV2({
        command: process.execPath,
        args: [SERVER_ENTRY, "--api-url", sandbox.url],
        env: { PATH: process.env.PATH ?? "", REVCENT_API_KEY: "sandbox-key", LOG_LEVEL: "warn" },
        stderr: "ignore",
      });
      await client.connect(transport);
      try {
        expect(client.getProtocolEra()).toBe(versionNegotiation ? "modern" : "legacy");
        await exercise(client as unknown as Session);
      } finally {
        await client.close();
      }
    });
  }
});

describe("streamable HTTP (in-process, real loopback), each caller with their own key", () => {
  let http: InProcessHttpServer;
  beforeAll(async () => {
    http = await startHttpInProcess(["--api-url", sandbox.url]);
  });
  afterAll(() => http?.close());
  const headers = { "x-api-key": "sandbox-key" };

  it("serves a 2025-11-25 client of the v1 SDK", async () => {
    const client = new ClientV1({ name: "revision-tests", version: "0.0.0" });
    await client.connect(new HttpV1(new URL(http.url), { requestInit: { headers } }));
    try {
      await exercise(client);
    } finally {
      await client.close();
    }
  });

  for (const [era, versionNegotiation] of V2_ERAS) {
    it(`serves a ${era} client of the v2 SDK`, async () => {
      const client = v2Client(versionNegotiation);
      await client.connect(new HttpV2(new URL(http.url), { requestInit: { headers } }));
      try {
        expect(client.getProtocolEra()).toBe(versionNegotiation ? "modern" : "legacy");
        await exercise(client as unknown as Session);
      } finally {
        await client.close();
      }
    });
  }

  it("refuses a 2026-07-28 request without the caller's key, as it refuses a 2025 one", async () => {
    const client = new ClientV2(
      { name: "revision-tests", version: "0.0.0" },
      { versionNegotiation: { mode: { pin: "2026-07-28" } } },
    );
    await expect(client.connect(new HttpV2(new URL(http.url)))).rejects.toThrow(/401|Unauthorized/);
  });

  it("marks every list private to its caller (a list depends on the credential and profile), and never caches a read", async () => {
    for (const method of ["tools/list", "prompts/list", "resources/list", "resources/templates/list"]) {
      const { status, result } = await modernRequest(http.url, method, {}, headers);
      expect(status, method).toBe(200);
      expect(result?.cacheScope, method).toBe("private");
      expect(result?.ttlMs, method).toBe(10 * 60_000);
    }
    // A 2025 client gets no cache fields at all.
    const client = new ClientV1({ name: "revision-tests", version: "0.0.0" });
    await client.connect(new HttpV1(new URL(http.url), { requestInit: { headers } }));
    try {
      const listed = (await client.listTools()) as Record<string, unknown>;
      expect(listed.cacheScope).toBeUndefined();
      expect(listed.ttlMs).toBeUndefined();
    } finally {
      await client.close();
    }
  });
});
