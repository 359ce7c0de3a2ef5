// Two stateless instances behind one Redis (as behind a load balancer): a verification made
// through instance A is usable through instance B with its handle, and verification attempts are
// counted once for both. A real redis-server of this file's own, on a free port.
//
// What "per session" means here: a stateless POST has no transport session, so each VerifyCustomer
// is a conversation of its own (its handle carries it on); the per-credential limit (5 failures in
// 30 minutes, counted in Redis for both instances) is what stops guessing.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentialOf } from "../../src/secrets/credential.js";
import { seedIdFor } from "../../src/sandbox/seed.js";
import {
  connectClient,
  newSandbox,
  SANDBOX_KEY,
  SEED_IDS,
  serverClock,
  startHttp,
  startRedis,
  type HttpServer,
  type McpClient,
  type RedisProcess,
  type Sandbox,
} from "./helpers.js";
import { LOCKED_TEXT as LOCKED, REFUSAL_TEXT as REFUSAL } from "../guard/harness.js";

const JANE = { id: SEED_IDS.customer, zip: "90210", email: "jane.doe@example.com" };
const MISMATCH = "[verification_failed] That does not match the customer's records.";
const MINUTE = 60_000;

describe("stateless HTTP, two instances sharing guard state in Redis", () => {
  let sandbox: Sandbox;
  let redis: RedisProcess;
  let inspect: Redis;
  let a: HttpServer;
  let b: HttpServer;
  let viaA: McpClient;
  let viaB: McpClient;
  const clock = serverClock();

  beforeAll(async () => {
    [sandbox, redis] = await Promise.all([newSandbox(), startRedis()]);
    inspect = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    const env = {
      REDIS_URL: redis.url,
      REVCENT_GUARD_SECRET: "shared-guard-secret-for-tests",
      MCP_AUTH_TOKENS: "tok",
      REVCENT_API_KEY: SANDBOX_KEY,
    };
    const args = ["--stateless", "--profile", "support", "--api-url", sandbox.url];
    [a, b] = await Promise.all([startHttp(args, env, { now: clock.now }), startHttp(args, env, { now: clock.now })]);
    expect(a.port).not.toBe(b.port);
    [viaA, viaB] = await Promise.all([
      connectClient(a.url, { authorization: "Bearer tok" }),
      connectClient(b.url, { authorization: "Bearer tok" }),
    ]);
  });
  afterAll(async () => {
    await viaA?.close();
    await viaB?.close();
    await Promise.all([a?.stop(), b?.stop()]);
    inspect?.disconnect();
    await redis?.stop();
    await sandbox?.close();
  });

  it("serves without sessions: no mcp-session-id, GET is 405", async () => {
    expect(viaA.transport.sessionId).toBeUndefined();
    const get = await fetch(a.url, { headers: { authorization: "Bearer tok", accept: "text/event-stream" } });
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    expect(await get.json()).toEqual({
      jsonrpc: "2.0",
      error: { code: -32000, message: "This server is stateless: only POST is supported." },
      id: null,
    });
    // A logging level would be forgotten with the request that set it: no logging is offered.
    expect(viaA.client.getServerCapabilities()?.logging).toBeUndefined();
    expect(viaA.client.getServerCapabilities()?.tools).toBeDefined();
  });

  it("before any verification, GetCustomer is refused on both instances", async () => {
    for (const via of [viaA, viaB]) {
      const r = await via.call("GetCustomer", { customer_id: JANE.id });
      expect(r.isError).toBe(true);
      expect(r.text).toBe(REFUSAL);
    }
  });

  it("VerifyCustomer through A gives a handle that B accepts: Jane's full record", async () => {
    const verified = await viaA.call("VerifyCustomer", { customer_id: JANE.id, factor: "zip", value: JANE.zip });
    expect(verified.isError, verified.text).toBe(false);
    expect(verified.data).toMatchObject({
      verified: true,
      customer_id: JANE.id,
      verification: expect.stringMatching(/^[\w-]+\.[\w-]+$/),
    });
    const handle = verified.data!.verification as string;
    // Clients that give the model only text content must still let it pass the handle on.
    expect(verified.text).toContain(`pass verification "${handle}" with every later call`);
    const r = await viaB.call("GetCustomer", { customer_id: JANE.id, verification: handle });
    expect(r.isError, r.text).toBe(false);
    expect(r.data).toMatchObject({ id: JANE.id, email: JANE.email, zip: JANE.zip });
  });

  // Regression: stateless verifications were once granted to one pseudo-session shared by every
  // handle-less call of the credential, so anyone got Jane's record once anyone had verified her.
  it("after Jane was verified through A, a call on B without the handle is still refused", async () => {
    const r = await viaB.call("GetCustomer", { customer_id: JANE.id });
    expect(r.data?.email).toBeUndefined();
    expect(r.isError).toBe(true);
    expect(r.text).toBe(REFUSAL);
  });

  it("failed attempts are counted across A and B: 5 failures split between them lock the customer on both", async () => {
    const other = seedIdFor("customer_id", 1);
    const record = (await (
      await fetch(`${sandbox.url}/customers/${other}`, { headers: { "x-api-key": SANDBOX_KEY } })
    ).json()) as { zip: string };
    expect(record.zip).toMatch(/^\d{5}$/);
    const wrong = record.zip === "00000" ? "11111" : "00000";
    const replies: string[] = [];
    for (const via of [viaA, viaB, viaA, viaB, viaA]) {
      const r = await via.call("VerifyCustomer", { customer_id: other, factor: "zip", value: wrong });
      expect(r.isError).toBe(true);
      replies.push(r.text);
    }
    // Without sessions, each verification is its own conversation: only the credential's limit of
    // 5 in 30 minutes applies, and it is one count shared by A and B through Redis.
    // Without sessions there is no count of this conversation's own to give, and others' are not told.
    expect(replies).toEqual([MISMATCH, MISMATCH, MISMATCH, MISMATCH, LOCKED]);
    const times = `revcent-mcp:guard:{${credentialOf(SANDBOX_KEY)}}:times:${other}`;
    expect(await inspect.zcard(times)).toBe(5);
    // The right value no longer verifies, on either instance.
    for (const via of [viaA, viaB]) {
      const r = await via.call("VerifyCustomer", { customer_id: other, factor: "zip", value: record.zip });
      expect(r.isError).toBe(true);
      expect(r.text).toBe(LOCKED);
    }
  });

  // Regression (same cause): 3 failures by anyone once locked a customer out of stateless
  // verification for a day, where the lockout lasts 30 minutes.
  it("31 minutes after the lock, the right value verifies again", async () => {
    const other = seedIdFor("customer_id", 1);
    const record = (await (
      await fetch(`${sandbox.url}/customers/${other}`, { headers: { "x-api-key": SANDBOX_KEY } })
    ).json()) as { zip: string };
    clock.advance(31 * MINUTE);
    try {
      const r = await viaB.call("VerifyCustomer", { customer_id: other, factor: "zip", value: record.zip });
      expect(r.text).not.toBe(LOCKED);
      expect(r.isError, r.text).toBe(false);
    } finally {
      clock.reset();
    }
  });
});
