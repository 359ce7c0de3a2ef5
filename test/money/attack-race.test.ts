// Attack: many refunds at once in one process (memory ledger), each inside the per-call max, racing
// the 24 h total between the probe and the reservation; and the same token redeemed concurrently.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startInProcessOnSandbox } from "../helpers/in-process.js";
import { SEED_IDS } from "../http/helpers.js";
import { recordedSandbox, textOf } from "./upstream.js";

const text = textOf;
const TXN = SEED_IDS.transaction;
const upstream = recordedSandbox();
const refunds = () => upstream.proxy.seen.filter((r) => r.method === "POST" && r.path.includes("/refund")).length;

describe("racing in one process", () => {
  it("30 concurrent refunds of 1.00 under max_total 5: exactly 5 reach RevCent", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "revcent-race-")), "limits.json");
    writeFileSync(file, JSON.stringify({ refunds: { max_amount: 1, max_total: 5 } }));
    const s = await startInProcessOnSandbox(upstream.proxy.url, [
      "--toolsets",
      "all",
      "--confirm",
      "off",
      "--limits",
      file,
    ]);
    try {
      const before = refunds();
      const results = await Promise.all(
        Array.from({ length: 30 }, () =>
          s.client.callTool({ name: "RefundTransaction", arguments: { transaction_id: TXN, amount: 1 } }),
        ),
      );
      expect(results.filter((r) => !r.isError)).toHaveLength(5);
      expect(results.filter((r) => text(r).startsWith("[limit_exceeded]"))).toHaveLength(25);
      expect(refunds()).toBe(before + 5);
    } finally {
      await s.close();
    }
  });

  it("one token redeemed by 10 concurrent calls runs once", async () => {
    const s = await startInProcessOnSandbox(upstream.proxy.url, ["--toolsets", "all", "--confirm", "token"]);
    try {
      const args = { transaction_id: TXN, amount: 1 };
      const asked = await s.client.callTool({ name: "RefundTransaction", arguments: args });
      const token = /confirmation: "(cf_[^"]+)"/.exec(text(asked))![1];
      const before = refunds();
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          s.client.callTool({ name: "RefundTransaction", arguments: { ...args, confirmation: token } }),
        ),
      );
      expect(results.filter((r) => !r.isError)).toHaveLength(1);
      expect(refunds()).toBe(before + 1);
    } finally {
      await s.close();
    }
  });
});
