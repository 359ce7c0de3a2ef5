// Limits as an operator meets them: a JSON file given at start-up, enforced on calls through a real
// MCP client, counted on RevCent's side of the wire. Each kind at its boundary (per call, rolling
// 24 h, per customer per 30 days, destructive calls per hour) with the server's clock moved by the
// test; two instances over one Redis under 50 concurrent refunds; a bad file stops the start.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { Redis } from "ioredis";
import { seedIdFor } from "../../src/sandbox/seed-ids.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config.js";
import { ConfigError } from "../../src/errors.js";
import { startRuntime } from "../../src/runtime.js";
import { createLogger } from "../../src/log.js";
import { startHttpInProcess, startInProcessOnSandbox } from "../helpers/in-process.js";
import { SEED_IDS, newSandbox, startRedis, type RedisProcess, type Sandbox } from "../http/helpers.js";
import type { Writable } from "node:stream";
import { recordedSandbox, textOf } from "./upstream.js";

const TXN = SEED_IDS.transaction;
const KEY = { "x-api-key": "sandbox-key" };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const dir = mkdtempSync(join(tmpdir(), "revcent-limits-"));
let n = 0;
function limitsFile(limits: unknown): string {
  const path = join(dir, `limits-${++n}.json`);
  writeFileSync(path, typeof limits === "string" ? limits : JSON.stringify(limits));
  return path;
}
/** A server clock that moves only when the test moves it, so window edges are exact. */
function frozenClock() {
  let at = Date.now();
  return {
    now: () => at,
    advance(ms: number) {
      at += ms;
    },
  };
}
const text = textOf;

const upstream = recordedSandbox();
const posts = (segment: string) =>
  upstream.proxy.seen.filter((r) => r.method === "POST" && r.path.includes(segment)).length;

async function server(limits: unknown, now?: () => number) {
  const started = await startInProcessOnSandbox(
    upstream.proxy.url,
    ["--toolsets", "all", "--confirm", "off", "--limits", limitsFile(limits)],
    now ? { now } : {},
  );
  const call = (name: string, args: Record<string, unknown>) => started.client.callTool({ name, arguments: args });
  return { call, close: () => started.close() };
}

describe("each limit at its boundary", () => {
  it("max_amount: exactly the max goes through, a cent more is refused with nothing sent", async () => {
    const s = await server({ refunds: { max_amount: 1.25 } });
    try {
      const before = posts("/refund");
      const over = await s.call("RefundTransaction", { transaction_id: TXN, amount: 1.26 });
      expect(text(over)).toMatch(/^\[limit_exceeded\] .*over refunds\.max_amount \(1\.25 per call\); nothing was sent/);
      expect(posts("/refund")).toBe(before);
      const at = await s.call("RefundTransaction", { transaction_id: TXN, amount: 1.25 });
      expect(at.isError, text(at)).toBeFalsy();
      expect(posts("/refund")).toBe(before + 1);
    } finally {
      await s.close();
    }
  });

  it("max_amount with no amount named counts the whole remaining amount RevCent shows", async () => {
    const s = await server({ refunds: { max_amount: 1 } });
    try {
      const before = posts("/refund");
      const all = await s.call("RefundTransaction", { transaction_id: TXN });
      expect(text(all)).toMatch(
        /^\[limit_exceeded\] Refund A Transaction: refund \d+\.\d\d USD \(everything not yet refunded\)/,
      );
      expect(posts("/refund")).toBe(before);
    } finally {
      await s.close();
    }
  });

  it("max_total: a rolling 24 hours per credential, the last cent included, then free again a day later", async () => {
    const clock = frozenClock();
    const s = await server({ refunds: { max_total: 1 } }, clock.now);
    try {
      expect((await s.call("RefundTransaction", { transaction_id: TXN, amount: 0.7 })).isError).toBeFalsy();
      expect((await s.call("RefundTransaction", { transaction_id: TXN, amount: 0.3 })).isError).toBeFalsy();
      const before = posts("/refund");
      const over = await s.call("RefundTransaction", { transaction_id: TXN, amount: 0.01 });
      expect(text(over)).toMatch(/would go over refunds\.max_total, which allows 0\.00 more now; nothing was sent/);
      expect(posts("/refund")).toBe(before);
      clock.advance(DAY - 1);
      expect(text(await s.call("RefundTransaction", { transaction_id: TXN, amount: 0.01 }))).toMatch(/limit_exceeded/);
      clock.advance(1);
      expect((await s.call("RefundTransaction", { transaction_id: TXN, amount: 0.01 })).isError).toBeFalsy();
    } finally {
      await s.close();
    }
  });

  it("max_per_customer: 30 days per customer, counted on the customer RevCent names", async () => {
    const clock = frozenClock();
    const s = await server({ refunds: { max_per_customer: 0.5 } }, clock.now);
    try {
      expect((await s.call("RefundTransaction", { transaction_id: TXN, amount: 0.5 })).isError).toBeFalsy();
      const over = await s.call("RefundTransaction", { transaction_id: TXN, amount: 0.01 });
      expect(text(over)).toMatch(/refunds\.max_per_customer, which allows 0\.00 more now/);
      expect(text(over)).toContain(`Customer ${SEED_IDS.customer}.`);
      clock.advance(30 * DAY);
      expect((await s.call("RefundTransaction", { transaction_id: TXN, amount: 0.01 })).isError).toBeFalsy();
    } finally {
      await s.close();
    }
  });

  it("destructive max_calls: calls per hour, whatever they destroy", async () => {
    const clock = frozenClock();
    const s = await server({ destructive: { max_calls: 2 } }, clock.now);
    try {
      const suspend = () => s.call("SuspendSubscription", { subscription_id: SEED_IDS.subscription });
      const first = await suspend();
      expect(first.isError, text(first)).toBeFalsy();
      const activate = await s.call("ActivateSubscription", { subscription_id: SEED_IDS.subscription });
      expect(activate.isError, text(activate)).toBeFalsy();
      const second = await suspend();
      expect(second.isError, text(second)).toBeFalsy();
      const before = posts("/suspend");
      expect(text(await suspend())).toMatch(
        /^\[limit_exceeded\] .*destructive\.max_calls, which allows 0\.00 more now/,
      );
      expect(posts("/suspend")).toBe(before);
      clock.advance(HOUR);
      await s.call("ActivateSubscription", { subscription_id: SEED_IDS.subscription });
      const later = await suspend();
      expect(later.isError, text(later)).toBeFalsy();
    } finally {
      await s.close();
    }
  });

  it("a new sale is counted at RevCent's own estimate of it, not at a figure the model gives", async () => {
    const s = await server({ sales: { max_amount: 30 } });
    const sale = (quantity: number) =>
      s.call("CreateSale", {
        campaign: SEED_IDS.campaign,
        customer_id: SEED_IDS.customer,
        product: [{ id: SEED_IDS.product, quantity }],
      });
    try {
      const before = posts("/sales");
      const over = await sale(2);
      expect(text(over)).toMatch(
        /^\[limit_exceeded\] Create A Sale: charge 39\.98 USD on customer_id \w+\. That is RevCent's own estimate/,
      );
      expect(posts("/sales"), "only the estimate was asked").toBe(before + 1);
      const within = await sale(1);
      expect(within.isError, text(within)).toBeFalsy();
    } finally {
      await s.close();
    }
  });

  it("a charge whose amount cannot be known before it runs is refused under an amount limit", async () => {
    const s = await server({ sales: { max_total: 100 } });
    try {
      const before = posts("/process");
      const salvage = await s.call("ProcessSalvageTransaction", {
        salvage_transaction_id: seedIdFor("salvage_transaction_id", 0),
      });
      expect(text(salvage)).toMatch(
        /^\[limit_exceeded\] .*limited by sales\.max_total, and what it would count cannot be known/,
      );
      expect(posts("/process")).toBe(before);
    } finally {
      await s.close();
    }
  });
});

describe("a bad limits file stops the start, naming the field", () => {
  const start = async (limits: unknown) => {
    const config = parseConfig(["--sandbox", "--limits", limitsFile(limits)], {});
    const logger = createLogger("silent", process.stderr as unknown as Writable);
    const runtime = await startRuntime(config, logger);
    await runtime.close();
  };
  it.each([
    [{ refunds: { max_amount: -5 } }, /limits file .*: refunds\.max_amount must be a positive number/],
    [{ voids: { max_calls: 1.5 } }, /voids\.max_calls must be a positive whole number/],
    [{ refundz: {} }, /refundz/],
    ["{ not json", /not valid JSON/],
  ])("%j", async (limits, message) => {
    const failure = await start(limits).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as Error).message).toMatch(message);
  });
});

describe("two instances over one Redis share the 24 h total", () => {
  let redis: RedisProcess;
  let own: Sandbox;
  beforeAll(async () => {
    [redis, own] = await Promise.all([startRedis(), newSandbox()]);
  });
  afterAll(async () => {
    await own.close();
    await redis.stop();
  });

  it("50 concurrent refunds of 1.00 through A and B under max_total 20: exactly 20 reach RevCent", async () => {
    const file = limitsFile({ refunds: { max_total: 20 } });
    const env = { REVCENT_API_KEY: "sandbox-key", REDIS_URL: redis.url, REVCENT_GUARD_SECRET: "limits-test-secret" };
    const args = ["--api-url", own.url, "--confirm", "off", "--limits", file];
    const [a, b] = await Promise.all([startHttpInProcess(args, env), startHttpInProcess(args, env)]);
    const clients: Client[] = [];
    try {
      for (const url of [a.url, b.url]) {
        const client = new Client({ name: "limits", version: "0.0.0" });
        await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: KEY } }));
        clients.push(client);
      }
      const refundedBefore = await refundedOn(own);
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          clients[i % 2]!.callTool({ name: "RefundTransaction", arguments: { transaction_id: TXN, amount: 1 } }),
        ),
      );
      const ok = results.filter((r) => !r.isError);
      const refused = results.filter((r) => text(r).startsWith("[limit_exceeded]"));
      expect(ok).toHaveLength(20);
      expect(refused).toHaveLength(30);
      expect((await refundedOn(own)) - refundedBefore).toBeCloseTo(20, 2);
      // Both instances wrote the one audit stream: an intent and an outcome per refund sent, a
      // decision per refusal.
      const stream = new Redis(redis.url);
      try {
        const entries = (await stream.xrange("revcent:audit", "-", "+")).map(
          ([, fields]) => JSON.parse(fields[1]!) as { event: string; outcome?: string },
        );
        const count = (event: string, outcome?: string) =>
          entries.filter((e) => e.event === event && (outcome === undefined || e.outcome === outcome)).length;
        expect([count("intent"), count("outcome", "ok"), count("decision", "limit_exceeded")]).toEqual([20, 20, 30]);
      } finally {
        stream.disconnect();
      }
    } finally {
      for (const client of clients) await client.close();
      await Promise.all([a.close(), b.close()]);
    }
  });
});

async function refundedOn(target: Sandbox): Promise<number> {
  const res = await fetch(`${target.url}/transactions/${TXN}`, { headers: KEY });
  return ((await res.json()) as { amount_refunded: number }).amount_refunded;
}
