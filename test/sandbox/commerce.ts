// Shared helpers for the commerce tests: sale bodies, amount invariants, and the official
// transaction item schema checker.
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.js";
import { SEED_IDS, seedIdFor } from "../../src/sandbox/seed.js";
import { TEST_CARDS } from "../../src/sandbox/test-cards.js";
import { call, type Reply } from "./helpers.js";

export const MUG = seedIdFor("product_id", 3); // Coffee Mug, 12.50, shippable

let counter = 0;
/** A unique customer email, so each sale makes its own customer. */
export const email = (tag = "buyer") => `${tag}.${++counter}.${Date.now()}@example.com`;

export function saleBody(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    campaign: SEED_IDS.campaign,
    customer: { first_name: "Ada", last_name: "Lovelace", email: email(), zip: "10001" },
    credit_card: { card_number: TEST_CARDS.approved, exp_month: 4, exp_year: 31, card_code: "123" },
    product: [{ id: SEED_IDS.product, quantity: 2 }],
    ...extra,
  };
}

export async function createSale(sb: Sandbox, extra: Record<string, unknown> = {}): Promise<any> {
  const r = await call(sb, "POST", "/sales", { body: saleBody(extra) });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

export async function get(sb: Sandbox, path: string): Promise<any> {
  const r = await call(sb, "GET", path);
  expect(r.status, path).toBe(200);
  return r.body;
}

/** amount_total = amount_original_total - (amount_refunded + amount_discounted). */
export function expectConsistent(item: any, label = String(item.id)): void {
  expect(item.amount_total, label).toBeCloseTo(
    item.amount_original_total - (item.amount_refunded + (item.amount_discounted ?? 0)),
    2,
  );
}

export function expect400(reply: Reply, ...words: string[]): void {
  expect(reply.status, JSON.stringify(reply.body)).toBe(400);
  expect(reply.body).toMatchObject({ code: 0, result: "Error", error_code: expect.stringMatching(/^E/) });
  for (const w of words) expect(reply.body.message).toContain(w);
}

const OFFICIAL = JSON.parse(
  readFileSync(new URL("../fixtures/official/GetTransactions.json", import.meta.url), "utf8"),
);
const ITEM_SCHEMA = OFFICIAL.responses["200"].content["application/json"].schema.properties.results.items;

/** Fields of `txn` (as GetTransaction returns it, envelope removed) outside the official item schema. */
export function outsideOfficialSchema(txn: Record<string, unknown>): string[] {
  const allowed = new Set<string>(ITEM_SCHEMA.allOf.flatMap((p: any) => Object.keys(p.properties ?? {})));
  return Object.keys(txn).filter(
    (k) => !["api_call_id", "api_call_unix", "code", "result", "transaction_id"].includes(k) && !allowed.has(k),
  );
}
