// Attack: other ways in to a governed operation. CallOperation in dynamic mode must meet the same
// gate as the tool itself; a `confirmation` on a tool no rule holds back is an unknown argument,
// not something passed on; a token carried from CallOperation to the static tool of another
// session, or one of odd shape, runs nothing.
import { describe, expect, it } from "vitest";
import { startInProcessOnSandbox } from "../helpers/in-process.js";
import { SEED_IDS } from "../http/helpers.js";
import { recordedSandbox, textOf } from "./upstream.js";

const text = textOf;
const TXN = SEED_IDS.transaction;

const upstream = recordedSandbox();
const posts = () => upstream.proxy.seen.filter((r) => r.method === "POST").length;
const tokenOf = (t: string) => /confirmation: "(cf_[^"]+)"/.exec(t)?.[1];

describe("routes around the gate", () => {
  it("CallOperation in dynamic mode asks for confirmation, and its token works once, for that call only", async () => {
    const s = await startInProcessOnSandbox(upstream.proxy.url, [
      "--toolsets",
      "all",
      "--tools-mode",
      "dynamic",
      "--confirm",
      "token",
    ]);
    try {
      const call = (args: Record<string, unknown>) =>
        s.client.callTool({ name: "CallOperation", arguments: { operation: "RefundTransaction", arguments: args } });
      const before = posts();
      const asked = await call({ transaction_id: TXN, amount: 1 });
      expect(text(asked)).toMatch(/^\[confirmation_required\] /);
      const token = tokenOf(text(asked))!;
      expect(token).toBeDefined();
      expect(posts()).toBe(before);
      // Another amount with this token: refused, and the token is spent.
      expect(text(await call({ transaction_id: TXN, amount: 2, confirmation: token }))).toMatch(
        /^\[confirmation_required\] That confirmation is unknown/,
      );
      expect(text(await call({ transaction_id: TXN, amount: 1, confirmation: token }))).toMatch(
        /^\[confirmation_required\] That confirmation is unknown/,
      );
      expect(posts()).toBe(before);
      const again = tokenOf(text(await call({ amount: 1, transaction_id: TXN })))!;
      const ran = await call({ amount: 1, transaction_id: TXN, confirmation: again });
      expect(ran.isError, text(ran)).toBeFalsy();
      expect(posts()).toBe(before + 1);
    } finally {
      await s.close();
    }
  });

  it("confirmation on a write no rule holds back is an unknown argument, and odd tokens run nothing", async () => {
    const s = await startInProcessOnSandbox(upstream.proxy.url, ["--toolsets", "all", "--confirm", "token"]);
    try {
      const before = posts();
      const note = await s.client.callTool({
        name: "AddFraudAlert",
        arguments: { sale_id: SEED_IDS.sale, confirmation: "cf_x" },
      });
      expect(text(note)).toMatch(/^\[invalid_arguments\] .*unknown argument confirmation/);
      for (const odd of ["", "x".repeat(100_000), "cf_", "confirm:abc", "round:abc"]) {
        const r = await s.client.callTool({
          name: "RefundTransaction",
          arguments: { transaction_id: TXN, amount: 1, confirmation: odd },
        });
        expect(text(r)).toMatch(/^\[confirmation_required\] /);
      }
      expect(posts()).toBe(before);
    } finally {
      await s.close();
    }
  });
});
