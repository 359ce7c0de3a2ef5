// Attack: ProcessPendingSale takes the sale's products, shipping, tax, discounts and customer in
// its own arguments and RevCent applies them before charging, so the pending sale's record is not
// what will be charged. A model that creates a 19.99 pending sale and processes it with 50 more
// shirts must not have the limits count (and the person see) 19.99.
import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startInProcessOnSandbox } from "../helpers/in-process.js";
import { SEED_IDS } from "../http/helpers.js";
import { recordedSandbox, textOf } from "./upstream.js";
import { answerOf } from "../helpers/answer.js";

const text = textOf;
const dir = mkdtempSync(join(tmpdir(), "revcent-attack-pending-"));

const upstream = recordedSandbox();
const processPosts = () => upstream.proxy.seen.filter((r) => r.method === "POST" && r.path.endsWith("/process")).length;

describe("ProcessPendingSale with arguments that change what is charged", () => {
  it("is not counted at the pending sale's old total: a per-call max refuses what it cannot measure", async () => {
    const limits = join(dir, "limits.json");
    writeFileSync(limits, JSON.stringify({ sales: { max_amount: 100 } }));
    const s = await startInProcessOnSandbox(upstream.proxy.url, [
      "--toolsets",
      "all",
      "--confirm",
      "off",
      "--limits",
      limits,
    ]);
    try {
      const call = (name: string, args: Record<string, unknown>) => s.client.callTool({ name, arguments: args });
      const created = await call("CreatePendingSale", {
        customer_id: SEED_IDS.customer,
        campaign: SEED_IDS.campaign,
        product: [{ id: SEED_IDS.product, quantity: 1 }],
      });
      expect(created.isError, text(created)).toBeFalsy();
      const saleId =
        (answerOf(created) as { id?: string; sale_id?: string }).sale_id ?? (answerOf(created) as { id: string }).id;
      const before = processPosts();
      const processed = await call("ProcessPendingSale", {
        sale_id: saleId,
        product: [{ id: SEED_IDS.product, quantity: 50 }],
        pending_options: { exists_options: { product: "replace" } },
      });
      const sale = answerOf(await call("GetSale", { sale_id: saleId })) as Record<string, unknown>;
      // What happened: either refused with nothing sent, or charged no more than the limit.
      if (!processed.isError) expect(sale.amount_total as number).toBeLessThanOrEqual(100);
      expect(text(processed)).toMatch(/^\[limit_exceeded\]/);
      expect(text(processed)).toContain("also sets product, pending_options");
      expect(processPosts()).toBe(before);

      // The same sale processed as it stands is measured by its record, and goes through.
      const plain = await call("ProcessPendingSale", { sale_id: saleId });
      expect(plain.isError, text(plain)).toBeFalsy();
      expect(processPosts()).toBe(before + 1);
    } finally {
      await s.close();
    }
  });
});
