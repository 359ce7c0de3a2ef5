// Attack: amounts that are not an amount of money. A refund of 0 is counted as nothing against
// every limit (and shown to the person as "refund 0.00"), while an API that reads 0 as "no amount
// given" refunds everything; a negative amount has no meaning at all. Neither may reach RevCent.
import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startInProcessOnSandbox } from "../helpers/in-process.js";
import { SEED_IDS } from "../http/helpers.js";
import { recordedSandbox, textOf } from "./upstream.js";

const text = textOf;
const dir = mkdtempSync(join(tmpdir(), "revcent-attack-amounts-"));

const upstream = recordedSandbox();
const refundPosts = () => upstream.proxy.seen.filter((r) => r.method === "POST" && r.path.includes("/refund")).length;

describe.each([
  ["no limits", undefined],
  ["refunds.max_total", { refunds: { max_total: 20 } }],
])("a refund amount under a cent, negative or past counting (%s)", (_name, limits) => {
  it.each([0, -5, -0.001, 0.004, 1e300])("amount %d is refused as an argument, with nothing sent", async (amount) => {
    const args = ["--toolsets", "all", "--confirm", "off"];
    if (limits) {
      const file = join(dir, `limits-${Math.random()}.json`);
      writeFileSync(file, JSON.stringify(limits));
      args.push("--limits", file);
    }
    const s = await startInProcessOnSandbox(upstream.proxy.url, args);
    try {
      const before = refundPosts();
      const result = await s.client.callTool({
        name: "RefundTransaction",
        arguments: { transaction_id: SEED_IDS.transaction, amount },
      });
      expect(result.isError).toBe(true);
      expect(text(result)).toMatch(/^\[invalid_arguments\] .*amount/);
      expect(refundPosts()).toBe(before);
    } finally {
      await s.close();
    }
  });
});
