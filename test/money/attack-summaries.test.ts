// Attack: a person's yes is only worth what the summary shows. A fraud detection that voids a sale
// names the sale in source_id, not in its path; a summary without it asks the person to approve
// "void ;" — any sale of any customer the model chose.
import { describe, expect, it } from "vitest";
import { startInProcessOnSandbox } from "../helpers/in-process.js";
import { SEED_IDS } from "../http/helpers.js";
import { recordedSandbox, textOf } from "./upstream.js";

const text = textOf;

const upstream = recordedSandbox();

describe("what the person is asked to approve", () => {
  it("CreateFraudDetection with void_sale names the sale it voids", async () => {
    const s = await startInProcessOnSandbox(upstream.proxy.url, ["--toolsets", "all", "--confirm", "token"]);
    try {
      const before = upstream.proxy.seen.filter((r) => r.method === "POST").length;
      const asked = await s.client.callTool({
        name: "CreateFraudDetection",
        arguments: { source_id: SEED_IDS.sale, void_sale: true },
      });
      expect(text(asked)).toMatch(/^\[confirmation_required\] /);
      expect(text(asked)).toContain(`source_id ${SEED_IDS.sale}`);
      expect(upstream.proxy.seen.filter((r) => r.method === "POST").length).toBe(before);
    } finally {
      await s.close();
    }
  });
});
