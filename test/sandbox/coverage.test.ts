// Every operation in the spec answers 200 when called with valid minimal arguments derived from
// the spec itself (required params and body fields only), against seeded ids.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.js";
import { SEED_IDS, seedIdFor } from "../../src/sandbox/seed.js";
import { FIXED_NOW, call, dateWindow, loadSpec, start } from "./helpers.js";

const spec: any = loadSpec();

function deref(node: any): any {
  let current = node;
  while (current && typeof current === "object" && typeof current.$ref === "string") {
    current = current.$ref
      .slice(2)
      .split("/")
      .reduce((o: any, k: string) => o[k.replace(/~1/g, "/").replace(/~0/g, "~")], spec);
  }
  return current ?? {};
}

/** A minimal value satisfying `schema`: required properties only, bounds respected. */
function sample(rawSchema: any, name = ""): unknown {
  const schema = deref(rawSchema);
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((s: any) => sample(s, name)));
  if (schema.oneOf || schema.anyOf) return sample((schema.oneOf ?? schema.anyOf)[0], name);
  if (schema.enum) return schema.enum[0];
  if ("const" in schema) return schema.const;
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== "null") : schema.type;
  switch (type) {
    case "integer":
    case "number":
      return schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1);
    case "boolean":
      return true;
    case "array":
      return Array.from({ length: schema.minItems ?? 0 }, () => sample(schema.items ?? {}, name));
    case "object": {
      const out: Record<string, unknown> = {};
      for (const req of schema.required ?? []) out[req] = sample(schema.properties?.[req] ?? { type: "string" }, req);
      // {item_type, item_id} bodies point at an existing seeded item of that type.
      if (typeof out.item_type === "string" && "item_id" in out) out.item_id = seedIdFor(`${out.item_type}_id`, 0);
      return out;
    }
    default: {
      if (schema.format === "email") return "sandbox@example.com";
      if (/campaign$/.test(name) && schema.minLength === 20) return SEED_IDS.campaign;
      const length = Math.max(schema.minLength ?? 1, 1);
      return "x".repeat(length);
    }
  }
}

const KNOWN_QUERY: Record<string, string> = { coupon_code: SEED_IDS.couponCode, search_term: "a" };

interface Case {
  method: string;
  path: string;
  operationId: string;
  url: string;
  query: Record<string, string | number>;
  body?: unknown;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const [path, item] of Object.entries<any>(spec.paths)) {
    for (const method of ["get", "post"]) {
      const op = item[method];
      if (!op) continue;
      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map(deref);
      let url = path;
      const query: Record<string, string | number> = {};
      const window = dateWindow(FIXED_NOW, 1);
      for (const p of params) {
        if (p.in === "path") url = url.replace(`{${p.name}}`, encodeURIComponent(seedIdFor(p.name, 0)));
        else if (p.in === "query" && p.required) {
          const known = (window as Record<string, number>)[p.name] ?? KNOWN_QUERY[p.name];
          query[p.name] = known ?? String(sample(p.schema, p.name));
        }
      }
      const bodySchema = deref(op.requestBody)?.content?.["application/json"]?.schema;
      out.push({
        method: method.toUpperCase(),
        path,
        operationId: op.operationId,
        url,
        query,
        ...(method === "post" ? { body: bodySchema ? sample(bodySchema) : {} } : {}),
      });
    }
  }
  // Deletes last, so the seeded item each operation uses still exists when it runs.
  return [...out.filter((c) => !c.path.endsWith("/delete")), ...out.filter((c) => c.path.endsWith("/delete"))];
}

/**
 * Operations whose spec-minimal call means nothing on the shared seed get a fixture: their own
 * fresh target (state machines, refunds: a target another case has already cancelled or refunded
 * would rightly answer 400), or the one field of two optional ones the operation needs.
 */
type Fixture = (sb: Sandbox) => Promise<{ params?: Record<string, string>; body?: Record<string, unknown> }>;

async function freshSale(sb: Sandbox): Promise<any> {
  const r = await call(sb, "POST", "/sales", {
    body: {
      campaign: SEED_IDS.campaign,
      customer: { first_name: "Cov", last_name: "Erage", email: "coverage@example.com" },
      credit_card: { card_number: "4242424242424242", exp_month: 1, exp_year: 30 },
      // Not SEED_IDS.product: DisableProduct acts on it, and a disabled product cannot be sold.
      product: [{ id: seedIdFor("product_id", 3) }, { id: SEED_IDS.productMembership }, { id: SEED_IDS.productTrial }],
      shipping: [{ amount: 4.99, name: "Ground" }],
      tax: [{ amount: 2, name: "State" }],
    },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

const sub =
  (f: (sb: Sandbox, id: string) => Promise<unknown> = async () => undefined): Fixture =>
  async (sb) => {
    const id = (await freshSale(sb)).subscriptions[0];
    await f(sb, id);
    return { params: { subscription_id: id } };
  };
const trial =
  (body: Record<string, unknown> = {}): Fixture =>
  async (sb) => ({ params: { trial_id: (await freshSale(sb)).trials[0] }, body });
const pending: Fixture = async (sb) => {
  const r = await call(sb, "POST", "/sales/pending", {
    body: { campaign: SEED_IDS.campaign, product: [{ id: seedIdFor("product_id", 3) }] },
  });
  return { params: { sale_id: r.body.sale_id } };
};

const FIXTURES: Record<string, Fixture> = {
  CreateSale: async () => ({ body: { product: [{ id: seedIdFor("product_id", 3) }] } }),
  CreateChargeback: async () => ({ body: { transaction_id: SEED_IDS.transaction } }),
  CreateChargebackDocument: async () => ({ body: { item_type: "sale", item_value: SEED_IDS.sale } }),
  CreateFraudDetection: async () => ({ body: { source_id: SEED_IDS.transaction } }),
  AddCustomerToGroup: async () => ({ body: { customer_group: [seedIdFor("customer_group_id", 0)] } }),
  RemoveCustomerFromGroup: async () => ({ body: { customer_group: [seedIdFor("customer_group_id", 0)] } }),
  VoidSale: async (sb) => ({ params: { sale_id: (await freshSale(sb)).sale_id } }),
  UpdatePendingSale: pending,
  ProcessPendingSale: pending,
  RefundTransaction: async (sb) => ({ params: { transaction_id: (await freshSale(sb)).transaction_id } }),
  RefundProductSale: async (sb) => ({ params: { product_sale_id: (await freshSale(sb)).product_sales[0] } }),
  RefundShipment: async (sb) => ({ params: { shipping_id: (await freshSale(sb)).shipping[0] } }),
  RefundTax: async (sb) => ({ params: { tax_id: (await freshSale(sb)).tax[0] } }),
  RefundSubscriptionRenewal: async (sb) => {
    const id = (await freshSale(sb)).subscriptions[0];
    return {
      params: {
        subscription_renewal_id: (await call(sb, "POST", `/subscriptions/${id}/renew`, { body: {} })).body
          .subscription_renewal_id,
      },
    };
  },
  ActivateSubscription: sub((sb, id) => call(sb, "POST", `/subscriptions/${id}/suspend`, { body: {} })),
  SuspendSubscription: sub(),
  CancelSubscription: sub(),
  RenewSubscription: sub(),
  ExpireTrial: trial(),
  ExtendTrial: trial({ days: 1 }),
  ShortenTrial: trial({ days: 1 }),
  CancelTrial: trial(),
};

/** The case with its fixture applied: path ids replaced, body fields added. */
async function prepared(sb: Sandbox, c: Case): Promise<Case> {
  const fixture = FIXTURES[c.operationId];
  if (!fixture) return c;
  const { params = {}, body } = await fixture(sb);
  const url = Object.entries(params).reduce(
    (u, [name, value]) => u.replace(seedIdFor(name, 0), encodeURIComponent(value)),
    c.url,
  );
  return { ...c, url, ...(body ? { body: { ...(c.body as object), ...body } } : {}) };
}

let sb: Sandbox;
beforeAll(async () => {
  sb = await start({ now: () => FIXED_NOW });
});
afterAll(() => sb.close());

describe("every operation in the spec", () => {
  const all = cases();

  it("is enumerated from the spec", () => {
    expect(all.length).toBeGreaterThanOrEqual(250);
    expect(new Set(all.map((c) => c.operationId)).size).toBe(all.length);
  });

  it("answers 200 with a success body to valid minimal arguments", async () => {
    const failures: string[] = [];
    for (const raw of all) {
      const c = await prepared(sb, raw);
      const r = await call(sb, c.method, c.url, { query: c.query, ...(c.body !== undefined ? { body: c.body } : {}) });
      expect(r.status, `${c.operationId} ${c.method} ${c.url}`).not.toBe(404);
      expect(r.status, `${c.operationId} ${c.method} ${c.url}`).not.toBe(405);
      if (r.status !== 200 || r.body?.code !== 1)
        failures.push(`${c.operationId} ${c.method} ${c.url} -> ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
    }
    expect(failures).toEqual([]);
  });

  it("answers 404, not 200, for the same calls with an unknown id", async () => {
    const withId = all.filter((c) => c.path.includes("{") && /_id\}/.test(c.path));
    expect(withId.length).toBeGreaterThan(100);
    for (const c of withId) {
      const url = c.url.replace(/[A-Za-z0-9]{20}/, "ZZZZZZZZZZZZZZZZZZZZ");
      const r = await call(sb, c.method, url, { query: c.query, ...(c.body !== undefined ? { body: c.body } : {}) });
      expect(r.status, `${c.operationId} ${url}`).toBe(404);
      expect(r.body.message).toBe("The requested item does not exist.");
    }
  });
});
