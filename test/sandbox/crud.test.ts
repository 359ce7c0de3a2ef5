// Store behaviour over HTTP: create/get/edit/list/search/delete, actions, pagination, filters
// and idempotency keys.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.js";
import { SEED_IDS, seedIdFor } from "../../src/sandbox/seed.js";
import { DAY, FIXED_NOW, call, dateWindow, start } from "./helpers.js";

let sb: Sandbox;
let clock = FIXED_NOW;
beforeAll(async () => {
  sb = await start({ now: () => clock });
});
afterAll(() => sb.close());

const NOW_S = Math.floor(FIXED_NOW / 1000);
const list = (extra: Record<string, string | number | (string | number)[]> = {}, days = 60) =>
  dateWindow(clock, days, extra);

/** Every item of a list operation, across pages. */
async function listAll(path: string, query: Record<string, string | number | (string | number)[]>) {
  const items: any[] = [];
  for (let page = 1; ; page++) {
    const r = await call(sb, "GET", path, { query: { ...query, limit: 25, page } });
    expect(r.status).toBe(200);
    items.push(...r.body.results);
    if (page >= r.body.total_pages) return items;
  }
}

describe("round trip on products", () => {
  it("creates, gets, edits, lists, searches, disables and deletes", async () => {
    const created = await call(sb, "POST", "/products", {
      body: { name: "Sandbox Widget", sku: "WIDGET-9", price: 4.5 },
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ code: 1, result: "Success", name: "Sandbox Widget", price: 4.5 });
    const id: string = created.body.id;
    expect(id).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(created.body.product_id).toBe(id);
    expect(created.body.created_date_unix).toBe(NOW_S);

    const got = await call(sb, "GET", `/products/${id}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ code: 1, result: "Success", id, name: "Sandbox Widget", sku: "WIDGET-9" });

    const edited = await call(sb, "POST", `/products/${id}`, { body: { price: 5.25 } });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ id, product_id: id, price: 5.25, name: "Sandbox Widget" });
    expect((await call(sb, "GET", `/products/${id}`)).body.price).toBe(5.25);

    const listed = await call(sb, "GET", "/products", { query: list({}, 1) });
    expect(listed.body.results.map((p: { id: string }) => p.id)).toContain(id);
    const older = await call(sb, "GET", "/products", { query: { ...list({}, 1), date_end: NOW_S - 1 } });
    expect(older.body.results.map((p: { id: string }) => p.id)).not.toContain(id);

    const found = await call(sb, "GET", "/products/search", { query: { search_term: "widget-9" } });
    expect(found.body.results.map((p: { id: string }) => p.id)).toEqual([id]);

    const disabled = await call(sb, "POST", `/products/${id}/disable`, { body: {} });
    expect(disabled.body).toMatchObject({ code: 1, id, product_id: id, enabled: false });
    expect((await call(sb, "POST", `/products/${id}/enable`, { body: {} })).body.enabled).toBe(true);

    const deleted = await call(sb, "POST", `/products/${id}/delete`, { body: {} });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ code: 1, result: "Success", id, product_id: id });
    expect((await call(sb, "GET", `/products/${id}`)).status).toBe(404);
    expect((await call(sb, "GET", "/products/search", { query: { search_term: "widget-9" } })).body.total_count).toBe(
      0,
    );
  });

  it("stores customers flat, links the campaign and keeps only the last 4 digits of a card", async () => {
    const created = await call(sb, "POST", "/customers", {
      body: {
        campaign: SEED_IDS.campaign,
        customer: { first_name: "Rita", last_name: "Moreno", email: "rita@example.com", zip: "10001" },
        payment: { credit_card: { card_number: "4000056655665556", card_code: "999", exp_month: 7, exp_year: 31 } },
      },
    });
    expect(created.status).toBe(200);
    const id = created.body.customer_id;
    expect(created.body).toMatchObject({
      first_name: "Rita",
      email: "rita@example.com",
      campaign_id: SEED_IDS.campaign,
      campaign_name: "Main Campaign",
    });
    expect(JSON.stringify(created.body)).not.toContain("4000056655665556");
    const cards = await call(sb, "GET", "/customer_cards", { query: list({ customer_id: id }) });
    expect(cards.body.results).toHaveLength(1);
    expect(cards.body.results[0]).toMatchObject({
      customer_id: id,
      last_4: "5556",
      first_6: "400005",
      is_default: true,
    });
    expect(JSON.stringify(cards.body)).not.toMatch(/4000056655665556|"999"/);
    const search = await call(sb, "GET", "/customers/search", { query: { search_term: "Rita Moreno" } });
    expect(search.body.results.map((c: { id: string }) => c.id)).toEqual([id]);
  });

  it("links a new sale to its customer, creating the customer when only details are given", async () => {
    const sale = await call(sb, "POST", "/sales", {
      body: {
        campaign: SEED_IDS.campaign,
        product: [{ id: "SHIRT-001", quantity: 2 }],
        customer: { first_name: "Sam", last_name: "Lowry", email: "sam@example.com" },
      },
    });
    expect(sale.status).toBe(200);
    expect(sale.body.sale_id).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(sale.body).toMatchObject({ amount_total: 39.98, products: [{ product_id: SEED_IDS.product, quantity: 2 }] });
    const customer = await call(sb, "GET", `/customers/${sale.body.customer_id}`);
    expect(customer.body).toMatchObject({ first_name: "Sam", sales: [sale.body.sale_id] });
    const bySearch = await call(sb, "GET", "/sales/search", { query: { search_term: "sam@example.com" } });
    expect(bySearch.body.results.map((s: { id: string }) => s.id)).toEqual([sale.body.sale_id]);
  });
});

describe("actions", () => {
  it("records status changes and timestamps", async () => {
    clock = FIXED_NOW + 60_000;
    try {
      const r = await call(sb, "POST", `/subscriptions/${SEED_IDS.subscription}/suspend`, { body: {} });
      expect(r.body).toMatchObject({
        code: 1,
        id: SEED_IDS.subscription,
        subscription_id: SEED_IDS.subscription,
        status: "Suspended",
        updated_date_unix: NOW_S + 60,
      });
      expect(
        (await call(sb, "POST", `/subscriptions/${SEED_IDS.subscription}/activate`, { body: {} })).body.status,
      ).toBe("Active");
      expect((await call(sb, "GET", `/subscriptions/${SEED_IDS.subscription}`)).body.status).toBe("Active");
    } finally {
      clock = FIXED_NOW;
    }
  });

  it("extends a trial by the given days", async () => {
    const before = (await call(sb, "GET", `/trials/${SEED_IDS.trial}`)).body.end_date_unix;
    const r = await call(sb, "POST", `/trials/${SEED_IDS.trial}/extend`, { body: { days: 3 } });
    expect(r.body.end_date_unix).toBe(before + 3 * DAY);
  });

  it("refunds part of a transaction", async () => {
    const before = (await call(sb, "GET", `/transactions/${SEED_IDS.transaction}`)).body;
    const r = await call(sb, "POST", `/transactions/${SEED_IDS.transaction}/refund`, { body: { amount: 10 } });
    expect(r.status).toBe(200);
    expect(r.body.amount_refunded).toBe(before.amount_refunded + 10);
    expect(r.body.amount_total).toBeCloseTo(before.amount_total - 10, 2);
    const refunded = await call(sb, "GET", "/transactions", {
      query: list({ customer_id: SEED_IDS.customer, status_filter: "refunded" }),
    });
    expect(refunded.body.results.map((t: { id: string }) => t.id)).toContain(SEED_IDS.transaction);
  });
});

describe("attachments and list actions", () => {
  it("inserts metadata on the target item, where metadata_filter then finds it", async () => {
    const r = await call(sb, "POST", "/metadata", {
      body: { item_type: "sale", item_id: SEED_IDS.sale, metadata: [{ name: "coupon_batch", value: "spring" }] },
    });
    expect(r.status).toBe(200);
    expect(r.body.metadata_id).toMatch(/^[A-Za-z0-9]{20}$/);
    const sale = (await call(sb, "GET", `/sales/${SEED_IDS.sale}`)).body;
    expect(sale.metadata).toContainEqual({ name: "coupon_batch", value: "spring" });
    const found = await listAll(
      "/sales",
      list({ "metadata_filter[0][name]": "coupon_batch", "metadata_filter[0][value]": "spring" }),
    );
    expect(found.map((x) => x.id)).toEqual([SEED_IDS.sale]);
    const missing = await call(sb, "POST", "/metadata", {
      body: { item_type: "sale", item_id: "ZZZZZZZZZZZZZZZZZZZZ", metadata: [] },
    });
    expect(missing.status).toBe(404);
  });

  it("attaches a note to its item", async () => {
    const r = await call(sb, "POST", "/notes", {
      body: { item_type: "customer", item_id: SEED_IDS.customer, text: "Called about the order" },
    });
    expect(r.status).toBe(200);
    expect((await call(sb, "GET", `/customers/${SEED_IDS.customer}`)).body.notes).toContain(r.body.note_id);
  });

  it("adds and removes members, marks as read and keeps a single default card", async () => {
    const group = seedIdFor("gateway_group_id", 0);
    const gw = seedIdFor("user_gateway_id", 1);
    const added = await call(sb, "POST", `/gateway_groups/${group}/add_user_gateway`, {
      body: { user_gateway_id: gw },
    });
    expect(added.body.user_gateways).toEqual([gw]);
    const removed = await call(sb, "POST", `/gateway_groups/${group}/remove_user_gateway`, {
      body: { user_gateway_id: gw },
    });
    expect(removed.body.user_gateways).toEqual([]);

    const memo = seedIdFor("ai_memo_id", 0);
    expect((await call(sb, "POST", `/ai_memos/${memo}/mark_as_read`, { body: {} })).body).toMatchObject({
      read: true,
      read_date_unix: NOW_S,
    });

    const added2 = await call(sb, "POST", `/customers/${SEED_IDS.customer}/add_card`, {
      body: {
        payment: { credit_card: { card_number: "5555555555554444", card_code: "123", exp_month: 1, exp_year: 30 } },
      },
    });
    const newCard = added2.body.customer_card_id;
    const cards = async () =>
      (await call(sb, "GET", "/customer_cards", { query: list({ customer_id: SEED_IDS.customer }) })).body.results;
    expect((await cards()).filter((c: any) => c.is_default).map((c: any) => c.id)).toEqual([newCard]);
    await call(sb, "POST", `/customer_cards/${SEED_IDS.customerCard}/set_default`, { body: {} });
    expect((await cards()).filter((c: any) => c.is_default).map((c: any) => c.id)).toEqual([SEED_IDS.customerCard]);
  });
});

describe("pagination", () => {
  it("reports counts and pages, newest first, without overlap", async () => {
    const q = { ...list(), limit: 7 };
    const first = await call(sb, "GET", "/customers", { query: { ...q, page: 1 } });
    expect(first.status).toBe(200);
    expect(Object.keys(first.body).sort()).toEqual([
      "api_call_id",
      "api_call_unix",
      "code",
      "current_count",
      "current_page",
      "results",
      "total_count",
      "total_pages",
    ]);
    const total: number = first.body.total_count;
    expect(total).toBeGreaterThanOrEqual(30);
    expect(first.body).toMatchObject({ code: 1, current_count: 7, current_page: 1, total_pages: Math.ceil(total / 7) });
    const pages = first.body.total_pages as number;
    const last = await call(sb, "GET", "/customers", { query: { ...q, page: pages } });
    expect(last.body).toMatchObject({
      current_page: pages,
      current_count: total - 7 * (pages - 1),
      total_count: total,
    });
    const beyond = await call(sb, "GET", "/customers", { query: { ...q, page: pages + 1 } });
    expect(beyond.body).toMatchObject({ current_count: 0, results: [], total_count: total });

    const all = await listAll("/customers", list());
    expect(all).toHaveLength(total);
    expect(new Set(all.map((c) => c.id)).size).toBe(total);
    const dates = all.map((c) => c.created_date_unix);
    expect([...dates].sort((a, b) => b - a)).toEqual(dates);
  });

  it("filters lists by the date range on created_date_unix", async () => {
    const recent = await listAll("/sales", list({}, 7));
    const all = await listAll("/sales", list({}, 60));
    expect(recent.length).toBeGreaterThan(0);
    expect(recent.length).toBeLessThan(all.length);
    for (const s of recent) expect(s.created_date_unix).toBeGreaterThanOrEqual(NOW_S - 7 * DAY);
  });
});

describe("filters", () => {
  it("applies metadata_filter the same way in both documented forms", async () => {
    const indexed = await listAll(
      "/sales",
      list({
        "metadata_filter[0][name]": "source",
        "metadata_filter[0][value]": "newsletter",
        "metadata_filter[1][name]": "landing_page",
        "metadata_filter[1][value]": "v2",
      }),
    );
    const json = await listAll(
      "/sales",
      list({
        metadata_filter: [
          JSON.stringify({ name: "source", value: "newsletter" }),
          JSON.stringify({ name: "landing_page", value: "v2" }),
        ],
      }),
    );
    expect(indexed.map((s) => s.id)).toContain(SEED_IDS.sale);
    expect(json.map((s) => s.id)).toEqual(indexed.map((s) => s.id));
    const all = await listAll("/sales", list());
    const expected = all.filter(
      (s) =>
        (s.metadata ?? []).some((m: any) => m.name === "source" && m.value === "newsletter") &&
        (s.metadata ?? []).some((m: any) => m.name === "landing_page" && m.value === "v2"),
    );
    expect(indexed.map((s) => s.id)).toEqual(expected.map((s) => s.id));
    expect(indexed.length).toBeLessThan(all.length);
  });

  it("matches any value with METADATA_NAME_EXISTS", async () => {
    const exists = await listAll(
      "/sales",
      list({ metadata_filter: JSON.stringify({ name: "landing_page", value: "METADATA_NAME_EXISTS" }) }),
    );
    const v2 = await listAll(
      "/sales",
      list({ "metadata_filter[0][name]": "landing_page", "metadata_filter[0][value]": "v2" }),
    );
    const all = await listAll("/sales", list());
    expect(exists.length).toBe(
      all.filter((s) => (s.metadata ?? []).some((m: any) => m.name === "landing_page")).length,
    );
    expect(exists.length).toBeGreaterThan(v2.length);
    expect(exists.length).toBeLessThan(all.length);
  });

  it("filters by customer_id and by repeated campaign_filter", async () => {
    const janes = await listAll("/transactions", list({ customer_id: SEED_IDS.customer }));
    expect(janes.map((t) => t.id)).toContain(SEED_IDS.transaction);
    for (const t of janes) expect(t.customer.id).toBe(SEED_IDS.customer);

    const all = await listAll("/customers", list());
    const campaigns = [...new Set(all.map((c) => c.campaign_id))].sort();
    expect(campaigns.length).toBeGreaterThanOrEqual(2);
    const one = await listAll("/customers", list({ campaign_filter: campaigns[0]! }));
    const two = await listAll("/customers", list({ campaign_filter: [campaigns[0]!, campaigns[1]!] }));
    expect(one.every((c) => c.campaign_id === campaigns[0])).toBe(true);
    expect(two.length).toBe(all.filter((c) => c.campaign_id === campaigns[0] || c.campaign_id === campaigns[1]).length);
    expect(two.length).toBeGreaterThan(one.length);
  });
});

describe("idempotency", () => {
  it("rejects a repeated key without saving, for 24 hours of sandbox clock", async () => {
    const key = "b7d1b0f6-2c74-4f52-9b1a-idem-test";
    const body = { name: "Idempotent Thing", sku: "IDEM-1", idempotency_key: key };
    expect((await call(sb, "POST", "/products", { body })).status).toBe(200);
    const again = await call(sb, "POST", "/products", { body });
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({
      code: 0,
      error_code: "E_IDEMPOTENCY",
      message: "Duplicate idempotency_key: this request was already received.",
      result: "Error",
    });
    expect((await call(sb, "GET", "/products/search", { query: { search_term: "IDEM-1" } })).body.total_count).toBe(1);

    // The key is per account, not per path.
    expect(
      (await call(sb, "POST", `/subscriptions/${SEED_IDS.subscription}/cancel`, { body: { idempotency_key: key } }))
        .status,
    ).toBe(400);
    expect((await call(sb, "GET", `/subscriptions/${SEED_IDS.subscription}`)).body.status).not.toBe("Cancelled");

    clock = FIXED_NOW + 23 * 3600 * 1000;
    expect((await call(sb, "POST", "/products", { body })).status).toBe(400);
    clock = FIXED_NOW + 24 * 3600 * 1000 + 1000;
    try {
      expect((await call(sb, "POST", "/products", { body })).status).toBe(200);
    } finally {
      clock = FIXED_NOW;
    }
    expect((await call(sb, "GET", "/products/search", { query: { search_term: "IDEM-1" } })).body.total_count).toBe(2);
  });

  it("does not consume a key on a request that fails validation", async () => {
    const key = "validation-failure-key-1";
    expect((await call(sb, "POST", "/products", { body: { price: "x", idempotency_key: key } })).status).toBe(400);
    expect((await call(sb, "POST", "/products", { body: { name: "After Fix", idempotency_key: key } })).status).toBe(
      200,
    );
  });
});
