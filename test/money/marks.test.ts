// Which operations move money is a mark in the spec, read once into Operation.movesMoney and shown
// to clients as a tool's _meta. A refund, void, charge, renewal or payout without it would skip the
// human's confirmation and every limit, so the list is checked here both ways.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadOperations } from "../../src/operations/openapi.js";
import { bundledV1Operations } from "../../src/operations/v1-catalog.js";
import { MOVES_MONEY_META, toolFor } from "../../src/tools/catalog.js";

const spec = JSON.parse(readFileSync(new URL("../../spec/revcent-v2.openapi.json", import.meta.url), "utf8"));
const operations = [...loadOperations(spec), ...bundledV1Operations()];

/** What an operation's name says about money: the words a reviewer would look for. */
const MONEY_WORDS = /Refund|Void|Renew|Payout|Process|Charge(?!back)|Capture|^CreateSale$|V1PendingSaleCancel/;

describe("money marks", () => {
  it("marks exactly these operations, each in its class", () => {
    const marked = Object.fromEntries(operations.filter((op) => op.movesMoney).map((op) => [op.id, op.movesMoney]));
    expect(marked).toEqual({
      CreateFraudDetection: "voids",
      CreateSale: "sales",
      ExpireTrial: "sales",
      ProcessPendingSale: "sales",
      ProcessSalvageTransaction: "sales",
      RefundProductSale: "refunds",
      RefundShipment: "refunds",
      RefundSubscriptionRenewal: "refunds",
      RefundTax: "refunds",
      RefundTransaction: "refunds",
      RenewSubscription: "sales",
      V1PendingSaleCancel: "voids",
      VoidSale: "voids",
    });
  });

  it("marks every operation whose own description says it moves money", () => {
    const says = /mov(es|ing) money|charg(es|ing) the customer|refunds the sale/i;
    const unmarked = operations.filter((op) => !op.readOnly && says.test(op.description) && !op.movesMoney);
    expect(unmarked.map((op) => op.id)).toEqual([]);
  });

  it("leaves no write whose name says it moves money unmarked", () => {
    const unmarked = operations.filter((op) => !op.readOnly && MONEY_WORDS.test(op.id) && !op.movesMoney);
    expect(unmarked.map((op) => op.id)).toEqual([]);
  });

  it("finds the same operations from their names in a document without the marks (RevCent's own)", () => {
    const stripped = structuredClone(spec);
    for (const item of Object.values(stripped.paths as Record<string, Record<string, Record<string, unknown>>>))
      for (const op of Object.values(item)) {
        delete op["x-revcent-moves-money"];
        delete op["x-revcent-money-class"];
      }
    const fromWords = loadOperations(stripped).map((op) => [op.id, op.movesMoney]);
    expect(fromWords).toEqual(loadOperations(spec).map((op) => [op.id, op.movesMoney]));
  });

  it("refuses a mark with an unknown class", () => {
    const bad = structuredClone(spec);
    bad.paths["/transactions/{transaction_id}/refund"].post["x-revcent-money-class"] = "gifts";
    expect(() => loadOperations(bad)).toThrow(
      /RefundTransaction: x-revcent-money-class must be one of refunds, voids, sales/,
    );
  });

  it("carries the mark to the tool's _meta, and only there", () => {
    for (const op of operations) {
      const tool = toolFor(op);
      if (op.movesMoney) expect(tool._meta).toEqual({ [MOVES_MONEY_META]: true });
      else expect(tool._meta).toBeUndefined();
    }
  });
});
