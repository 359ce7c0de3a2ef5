// A 2026-07-28 client has no session: every request stands alone, so a verification travels as
// its handle. Two instances behind one Redis (as behind a load balancer), a client of the v2 SDK
// pinned to 2026-07-28 on each: a verification made through A opens the customer's records
// through B, and nothing opens them without it. A real redis-server of this file's own.
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedIdFor } from "../../src/sandbox/seed.js";
import { REFUSAL_TEXT } from "../guard/harness.js";
import {
  newSandbox,
  SANDBOX_KEY,
  SEED_IDS,
  startHttp,
  startRedis,
  type HttpServer,
  type RedisProcess,
  type Sandbox,
} from "../http/helpers.js";
import { answerOf } from "../helpers/answer.js";

const JANE = { id: SEED_IDS.customer, zip: "90210", email: "jane.doe@example.com" };

interface Reply {
  isError: boolean;
  text: string;
  data: Record<string, unknown> | undefined;
}

async function modernClient(
  url: string,
): Promise<{ call(name: string, args: Record<string, unknown>): Promise<Reply>; close(): Promise<void> }> {
  const client = new Client(
    { name: "modern-redis", version: "0.0.0" },
    { versionNegotiation: { mode: { pin: "2026-07-28" } } },
  );
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: "Bearer tok" } } }),
  );
  expect(client.getProtocolEra()).toBe("modern");
  return {
    async call(name, args) {
      const result = (await client.callTool({ name, arguments: args })) as {
        isError?: boolean;
        content: { type: string; text?: string }[];
        structuredContent?: Record<string, unknown>;
      };
      return { isError: Boolean(result.isError), text: result.content[0]?.text ?? "", data: answerOf(result) };
    },
    close: () => client.close(),
  };
}

describe("2026-07-28 over HTTP, two instances sharing guard state in Redis", () => {
  let sandbox: Sandbox;
  let redis: RedisProcess;
  let a: HttpServer;
  let b: HttpServer;

  beforeAll(async () => {
    [sandbox, redis] = await Promise.all([newSandbox(), startRedis()]);
    const env = {
      REDIS_URL: redis.url,
      REVCENT_GUARD_SECRET: "shared-guard-secret-for-tests",
      MCP_AUTH_TOKENS: "tok",
      REVCENT_API_KEY: SANDBOX_KEY,
    };
    const args = ["--profile", "support", "--api-url", sandbox.url];
    [a, b] = await Promise.all([startHttp(args, env), startHttp(args, env)]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.stop();
    await sandbox?.close();
  });

  it("a verification made through A opens the customer through B with its handle, and only with it", async () => {
    const viaA = await modernClient(a.url);
    const viaB = await modernClient(b.url);
    try {
      // Without a session there is no conversation to remember a verification: before and after it,
      // a read without the handle is refused, on either instance.
      const before = await viaB.call("GetCustomer", { customer_id: JANE.id });
      expect(before.text).toBe(REFUSAL_TEXT);
      const verified = await viaA.call("VerifyCustomer", { customer_id: JANE.id, factor: "zip", value: JANE.zip });
      expect(verified.isError, verified.text).toBe(false);
      const handle = verified.data?.verification as string;
      expect(handle).toMatch(/\./);
      expect(verified.text).toContain(handle);
      const withHandle = await viaB.call("GetCustomer", { customer_id: JANE.id, verification: handle });
      expect(withHandle.isError, withHandle.text).toBe(false);
      expect(withHandle.data).toMatchObject({ email: JANE.email });
      const withoutHandle = await viaA.call("GetCustomer", { customer_id: JANE.id });
      expect(withoutHandle.text).toBe(REFUSAL_TEXT);
      // A handle opens only its own customer.
      const other = await viaB.call("GetCustomer", { customer_id: seedIdFor("customer_id", 1), verification: handle });
      expect(other.text).toBe(REFUSAL_TEXT);
    } finally {
      await viaA.close();
      await viaB.close();
    }
  });
});
