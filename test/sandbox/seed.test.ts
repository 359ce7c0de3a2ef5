// Seed data: deterministic across starts, Jane Doe where promised, cross-linked, and seeded
// transactions conform to the official GetTransactions item schema.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.js";
import { SEED_IDS, seedIdFor } from "../../src/sandbox/seed.js";
import { DAY, FIXED_NOW, call, dateWindow, start, withoutCall, type Reply } from "./helpers.js";

const OFFICIAL = JSON.parse(
  readFileSync(new URL("../fixtures/official/GetTransactions.json", import.meta.url), "utf8"),
);
const NOW_S = Math.floor(FIXED_NOW / 1000);
/** sha256 prefix of the seeded commerce lists at FIXED_NOW. */
const SEED_FINGERPRINT = "0e06008d62a7ae27";

let sb: Sandbox;
beforeAll(async () => {
  sb = await start({ now: () => FIXED_NOW });
});
afterAll(() => sb.close());

const list = (days = 60) => dateWindow(FIXED_NOW, days);

async function listAll(target: Sandbox, path: string, query: Record<string, string | number>): Promise<any[]> {
  const items: any[] = [];
  for (let page = 1; ; page++) {
    const r = await call(target, "GET", path, { query: { ...query, limit: 25, page } });
    expect(r.status).toBe(200);
    items.push(...r.body.results);
    if (page >= r.body.total_pages) return items;
  }
}

/**
 * A deliberately small, independent checker for the official item schema: type, enum,
 * min/maxLength, items, properties and additionalProperties: false, with allOf parts merged
 * (each part lists its own properties, so the item may carry the union of both).
 */
function schemaErrors(schema: any, value: unknown, path = "item"): string[] {
  if (schema.allOf) {
    const merged = {
      type: "object",
      additionalProperties: false,
      properties: Object.assign({}, ...schema.allOf.map((p: any) => p.properties ?? {})),
    };
    return schemaErrors(merged, value, path);
  }
  const errors: string[] = [];
  const type = schema.type;
  const actual = value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
  const ok =
    !type ||
    (type === "integer" ? Number.isInteger(value) : type === "number" ? typeof value === "number" : actual === type);
  if (!ok) return [`${path}: expected ${type}, got ${actual}`];
  if (schema.enum && !schema.enum.includes(value)) errors.push(`${path}: ${String(value)} not in enum`);
  if (typeof value === "string") {
    if (schema.minLength !== undefined && value.length < schema.minLength)
      errors.push(`${path}: shorter than ${schema.minLength}`);
    if (schema.maxLength !== undefined && value.length > schema.maxLength)
      errors.push(`${path}: longer than ${schema.maxLength}`);
  }
  if (Array.isArray(value) && schema.items)
    value.forEach((v, i) => errors.push(...schemaErrors(schema.items, v, `${path}[${i}]`)));
  if (actual === "object") {
    const obj = value as Record<string, unknown>;
    for (const req of schema.required ?? []) if (!(req in obj)) errors.push(`${path}.${req}: missing`);
    for (const [k, v] of Object.entries(obj)) {
      if (schema.properties?.[k]) errors.push(...schemaErrors(schema.properties[k], v, `${path}.${k}`));
      else if (schema.additionalProperties === false) errors.push(`${path}.${k}: not in the schema`);
    }
  }
  return errors;
}

describe("determinism", () => {
  it("seeds the same data on every start with the same clock", async () => {
    const other = await start({ now: () => FIXED_NOW });
    try {
      for (const path of [
        "/customers",
        "/sales",
        "/transactions",
        "/subscriptions",
        "/trials",
        "/shipping",
        "/products",
        "/chargebacks",
      ]) {
        const a = await listAll(sb, path, list());
        const b = await listAll(other, path, list());
        expect(a.length, path).toBeGreaterThan(0);
        expect(b, path).toEqual(a);
      }
      const a = await call(sb, "GET", "/campaigns", { query: { limit: 25, page: 1 } });
      const b = await call(other, "GET", "/campaigns", { query: { limit: 25, page: 1 } });
      expect(withoutCall(b.body)).toEqual(withoutCall(a.body));
    } finally {
      await other.close();
    }
  });

  it("matches the recorded fingerprint, so it is the same in every process (update it only when the seed changes on purpose)", async () => {
    const data: Record<string, unknown[]> = {};
    for (const path of ["/customers", "/sales", "/transactions", "/subscriptions", "/trials", "/shipping"])
      data[path] = await listAll(sb, path, list());
    const fingerprint = createHash("sha256").update(JSON.stringify(data)).digest("hex").slice(0, 16);
    expect(fingerprint).toBe(SEED_FINGERPRINT);
  });

  it("keeps ids independent of the clock, and dates relative to it", async () => {
    const later = FIXED_NOW + 10 * DAY * 1000;
    const other = await start({ now: () => later });
    try {
      const a = await listAll(sb, "/sales", list());
      const b = await listAll(other, "/sales", dateWindow(later, 60));
      expect(b.map((s) => s.id)).toEqual(a.map((s) => s.id));
      expect(b.map((s) => s.created_date_unix)).toEqual(a.map((s) => s.created_date_unix + 10 * DAY));
    } finally {
      await other.close();
    }
  });

  it("puts every seeded creation date within the last 60 days of the clock", async () => {
    for (const path of ["/customers", "/sales", "/transactions", "/products"]) {
      const all = await listAll(sb, path, list(90));
      expect(all.length).toBeGreaterThan(0);
      for (const item of all) {
        expect(item.created_date_unix).toBeLessThanOrEqual(NOW_S);
        expect(item.created_date_unix).toBeGreaterThanOrEqual(NOW_S - 60 * DAY);
      }
    }
  });
});

describe("fixed seed ids", () => {
  it("are 20 alphanumeric characters and all resolve", async () => {
    const paths: Record<string, string> = {
      customer: "/customers/",
      customerCard: "/customer_cards/",
      sale: "/sales/",
      transaction: "/transactions/",
      subscription: "/subscriptions/",
      trial: "/trials/",
      shipment: "/shipping/",
      campaign: "/campaigns/",
      product: "/products/",
      productMembership: "/products/",
      productTrial: "/products/",
    };
    for (const [name, prefix] of Object.entries(paths)) {
      const id = SEED_IDS[name as keyof typeof SEED_IDS];
      expect(id, name).toMatch(/^[A-Za-z0-9]{20}$/);
      const r: Reply = await call(sb, "GET", `${prefix}${id}`);
      expect(r.status, name).toBe(200);
      expect(r.body.id).toBe(id);
    }
    expect(seedIdFor("customer_id")).toBe(SEED_IDS.customer);
    expect(seedIdFor("ai_assistant_id", 2)).toMatch(/^[A-Za-z0-9]{20}$/);
  });

  it("include Jane Doe", async () => {
    const r = await call(sb, "GET", `/customers/${SEED_IDS.customer}`);
    expect(r.body).toMatchObject({
      code: 1,
      result: "Success",
      id: SEED_IDS.customer,
      first_name: "Jane",
      last_name: "Doe",
      email: "jane.doe@example.com",
      zip: "90210",
      country: "USA",
      campaign_id: SEED_IDS.campaign,
    });
    expect(r.body.phone).toBeTruthy();
    expect(r.body.address_line_1).toBeTruthy();
    const found = await call(sb, "GET", "/customers/search", { query: { search_term: "JANE.DOE@example" } });
    expect(found.body.results.map((c: { id: string }) => c.id)).toEqual([SEED_IDS.customer]);
  });

  it("give a valid coupon code", async () => {
    const ok = await call(sb, "GET", "/coupons/validate", { query: { coupon_code: SEED_IDS.couponCode } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ code: 1, coupon_code: SEED_IDS.couponCode });
    const bad = await call(sb, "GET", "/coupons/validate", { query: { coupon_code: "NOPE" } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain("NOPE");
  });
});

describe("links", () => {
  it("connects Jane's sale, transaction, subscription, trial and shipment", async () => {
    const sale = (await call(sb, "GET", `/sales/${SEED_IDS.sale}`)).body;
    expect(sale).toMatchObject({
      customer_id: SEED_IDS.customer,
      transactions: [SEED_IDS.transaction],
      subscriptions: [SEED_IDS.subscription],
      trials: [SEED_IDS.trial],
      shipping: [SEED_IDS.shipment],
    });
    expect(sale.customer).toMatchObject({ id: SEED_IDS.customer, first_name: "Jane" });
    const txn = (await call(sb, "GET", `/transactions/${SEED_IDS.transaction}`)).body;
    expect(txn).toMatchObject({
      sales: [SEED_IDS.sale],
      customer: { id: SEED_IDS.customer },
      customer_card: { id: SEED_IDS.customerCard, last_4: "4242" },
    });
    for (const [path, id] of [
      ["/subscriptions/", SEED_IDS.subscription],
      ["/trials/", SEED_IDS.trial],
      ["/shipping/", SEED_IDS.shipment],
    ] as const) {
      const item = (await call(sb, "GET", `${path}${id}`)).body;
      expect(item, path).toMatchObject({
        sale_id: SEED_IDS.sale,
        customer_id: SEED_IDS.customer,
        status: expect.any(String),
      });
    }
    const jane = (await call(sb, "GET", `/customers/${SEED_IDS.customer}`)).body;
    expect(jane.sales).toContain(SEED_IDS.sale);
    expect(jane.transactions).toContain(SEED_IDS.transaction);
  });

  it("gives every seeded transaction an existing sale or none, and an existing customer", async () => {
    const txns = await listAll(sb, "/transactions", list());
    expect(txns.length).toBeGreaterThanOrEqual(40);
    for (const t of txns.slice(0, 15)) {
      expect((await call(sb, "GET", `/customers/${t.customer.id}`)).status).toBe(200);
      for (const saleId of t.sales) expect((await call(sb, "GET", `/sales/${saleId}`)).status).toBe(200);
    }
  });
});

describe("transactions", () => {
  const itemSchema = OFFICIAL.responses["200"].content["application/json"].schema.properties.results.items;

  it("conform to the official GetTransactions item schema", async () => {
    const txns = await listAll(sb, "/transactions", list());
    expect(txns.length).toBeGreaterThan(0);
    for (const t of txns) expect(schemaErrors(itemSchema, t), t.id).toEqual([]);
    expect(txns.some((t) => t.approved)).toBe(true);
    expect(txns.some((t) => t.declined)).toBe(true);
  });

  it("still conform after a refund", async () => {
    const other = await start({ now: () => FIXED_NOW });
    try {
      const r = await call(other, "POST", `/transactions/${SEED_IDS.transaction}/refund`, { body: { amount: 1 } });
      expect(r.status).toBe(200);
      const t = (
        await call(other, "GET", "/transactions", { query: { ...list(), customer_id: SEED_IDS.customer } })
      ).body.results.find((x: { id: string }) => x.id === SEED_IDS.transaction);
      expect(t.amount_refunded).toBe(1);
      expect(schemaErrors(itemSchema, t)).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it("the checker itself rejects fields outside the schema", () => {
    expect(schemaErrors(itemSchema, { id: "x".repeat(20), status: "Settled" })).toEqual([
      "item.status: not in the schema",
    ]);
    expect(schemaErrors(itemSchema, { id: "short" })).toHaveLength(1);
  });
});
