// Auth, routing and validation errors, with RevCent's documented bodies.
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.js";
import { SEED_IDS } from "../../src/sandbox/seed.js";
import { FIXED_NOW, call, dateWindow, start } from "./helpers.js";

let sb: Sandbox;
beforeAll(async () => {
  sb = await start({ now: () => FIXED_NOW });
});
afterAll(() => sb.close());

const list = (extra: Record<string, string | number | (string | number)[]> = {}, days = 30) =>
  dateWindow(FIXED_NOW, days, extra);

function expect400(reply: { status: number; body: any }, ...words: string[]) {
  expect(reply.status).toBe(400);
  expect(reply.body).toMatchObject({ code: 0, result: "Error" });
  expect(reply.body.error_code).toMatch(/^E/);
  expect(reply.body.api_call_id).toMatch(/^[A-Za-z0-9]{20}$/);
  expect(reply.body.api_call_unix).toBe(Math.floor(FIXED_NOW / 1000));
  for (const w of words) expect(reply.body.message).toContain(w);
}

describe("authentication", () => {
  it("rejects a missing API key with 401", async () => {
    const r = await call(sb, "GET", `/customers/${SEED_IDS.customer}`, { key: null });
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ code: 0, result: "Unauthorized" });
    expect(typeof r.body.message).toBe("string");
  });

  it("rejects a wrong API key with 401, and accepts a custom key", async () => {
    expect((await call(sb, "GET", `/customers/${SEED_IDS.customer}`, { key: "wrong-key" })).status).toBe(401);
    const custom = await start({ apiKey: "my-key" });
    try {
      expect((await call(custom, "GET", `/customers/${SEED_IDS.customer}`, { key: "sandbox-key" })).status).toBe(401);
      expect((await call(custom, "GET", `/customers/${SEED_IDS.customer}`, { key: "my-key" })).status).toBe(200);
    } finally {
      await custom.close();
    }
  });
});

describe("routing", () => {
  it("answers 405 for methods other than GET and POST", async () => {
    for (const method of ["PUT", "DELETE", "PATCH"]) {
      const r = await call(sb, method, `/customers/${SEED_IDS.customer}`);
      expect(r.status).toBe(405);
      expect(r.body).toMatchObject({ code: 0, result: "Method Not Allowed" });
    }
  });

  it("answers 405 for a known path with the wrong method", async () => {
    expect((await call(sb, "POST", "/transactions", { body: {} })).status).toBe(405);
    const r = await call(sb, "GET", "/sales/estimate");
    expect(r.status).toBe(405);
    expect(r.body.result).toBe("Method Not Allowed");
  });

  it("answers 404 for unknown paths", async () => {
    for (const path of ["/no_such_thing", "/customers/search/extra/segments"]) {
      const r = await call(sb, "GET", path);
      expect(r.status).toBe(404);
      expect(r.body).toMatchObject({ code: 0, result: "Not Found" });
    }
    const outside = await request(`${sb.url.replace(/\/v2$/, "")}/v1/customers`, {
      headers: { "x-api-key": "sandbox-key" },
    });
    expect(outside.statusCode).toBe(404);
    expect(await outside.body.json()).toMatchObject({ code: 0, result: "Not Found" });
  });

  it("answers 404 with the documented body for unknown ids", async () => {
    const r = await call(sb, "GET", "/customers/AAAAAAAAAAAAAAAAAAAA");
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ code: 0, message: "The requested item does not exist.", result: "Not Found" });
    expect((await call(sb, "POST", "/products/AAAAAAAAAAAAAAAAAAAA/delete", { body: {} })).status).toBe(404);
  });

  it("prefers literal segments over path parameters", async () => {
    const r = await call(sb, "GET", "/customers/search", { query: { search_term: "jane" } });
    expect(r.status).toBe(200);
    expect(r.body.results.map((c: { id: string }) => c.id)).toContain(SEED_IDS.customer);
  });
});

describe("validation", () => {
  it("names a missing required query parameter", async () => {
    expect400(await call(sb, "GET", "/customers/search"), "search_term");
    const { date_start: _omit, ...noStart } = list();
    expect400(await call(sb, "GET", "/sales", { query: noStart }), "date_start");
    expect400(await call(sb, "GET", "/coupons/validate"), "coupon_code");
  });

  it("rejects limit 0 and 26 but accepts 1 and 25", async () => {
    expect400(await call(sb, "GET", "/customers", { query: list({ limit: 0 }) }), "limit");
    expect400(await call(sb, "GET", "/customers", { query: list({ limit: 26 }) }), "limit");
    expect((await call(sb, "GET", "/customers", { query: list({ limit: 1 }) })).status).toBe(200);
    expect((await call(sb, "GET", "/customers", { query: list({ limit: 25 }) })).status).toBe(200);
    expect400(await call(sb, "GET", "/campaigns", { query: { limit: 26, page: 1 } }), "limit");
  });

  it("rejects non-integer query values", async () => {
    expect400(await call(sb, "GET", "/customers", { query: list({ limit: "ten" }) }), "limit");
    expect400(await call(sb, "GET", "/customers", { query: list({ date_start: "yesterday" }) }), "date_start");
  });

  it("rejects a date range longer than x-revcent-max-range-days", async () => {
    expect400(await call(sb, "GET", "/customers", { query: list({}, 91) }), "90");
    expect((await call(sb, "GET", "/customers", { query: list({}, 90) })).status).toBe(200);
    expect400(await call(sb, "GET", "/ai_threads", { query: list({}, 3) }), "2");
    expect((await call(sb, "GET", "/ai_threads", { query: list({}, 2) })).status).toBe(200);
  });

  it("rejects date_end before date_start", async () => {
    const q = list();
    expect400(
      await call(sb, "GET", "/sales", { query: { ...q, date_start: q.date_end, date_end: q.date_start } }),
      "date_end",
    );
  });

  it("rejects enum violations in array filters", async () => {
    expect400(
      await call(sb, "GET", "/transactions", { query: list({ status_filter: ["settled", "bogus"] }) }),
      "status_filter",
    );
    expect((await call(sb, "GET", "/transactions", { query: list({ status_filter: "settled" }) })).status).toBe(200);
  });

  it("rejects path ids of the wrong length and filter ids of the wrong length", async () => {
    expect400(await call(sb, "GET", "/customers/short"), "customer_id");
    expect400(await call(sb, "GET", `/customers/${SEED_IDS.customer}X`), "customer_id");
    expect400(await call(sb, "GET", "/customers", { query: list({ campaign_filter: "short" }) }), "campaign_filter");
  });

  it("rejects malformed metadata_filter values", async () => {
    expect400(await call(sb, "GET", "/sales", { query: list({ metadata_filter: "not json" }) }), "metadata_filter");
    expect400(
      await call(sb, "GET", "/sales", { query: list({ "metadata_filter[0][name]": "source" }) }),
      "metadata_filter",
      "value",
    );
  });

  it("rejects invalid JSON and non-object bodies", async () => {
    const r = await call(sb, "POST", "/products", { rawBody: "{not json" });
    expect400(r, "JSON");
    expect(r.body.error_code).toBe("E_INVALID_JSON");
    expect400(await call(sb, "POST", "/products", { rawBody: "[1,2]" }), "object");
  });

  it("names missing and mistyped body fields", async () => {
    expect400(await call(sb, "POST", "/bigquery", { body: {} }), "bigquery_sql");
    expect400(await call(sb, "POST", "/bigquery", { rawBody: "" }), "body");
    expect400(
      await call(sb, "POST", "/customers", { body: { campaign: SEED_IDS.campaign, customer: { first_name: "A" } } }),
      "customer.last_name",
    );
    expect400(await call(sb, "POST", "/products", { body: { name: "X", price: "cheap" } }), "price");
    expect400(await call(sb, "POST", `/trials/${SEED_IDS.trial}/extend`, { body: { days: 1, extra: true } }), "extra");
  });

  it("rejects idempotency keys shorter than 10 or longer than 255 characters", async () => {
    expect400(
      await call(sb, "POST", "/products", { body: { name: "X", idempotency_key: "short" } }),
      "idempotency_key",
    );
    expect400(
      await call(sb, "POST", "/products", { body: { name: "X", idempotency_key: "k".repeat(256) } }),
      "idempotency_key",
    );
  });
});
