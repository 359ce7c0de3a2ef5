// The documents' field filter grammar (003_…txt), as the `fields` argument applies it.
import { describe, expect, it } from "vitest";
import { applyFieldFilters, parseFieldFilter, type FieldFilter } from "../src/operations/field-filter.js";

const doc = {
  api_call: { id: "a1", unix: 1 },
  campaign: { id: "c1", name: "Main" },
  transactions: [
    { id: "t1", amount: 10, gateway_id: "abc123", gateway_transaction_id: "g1" },
    { id: "t2", amount: 20, gateway_id: "zzz", gateway_transaction_id: "g2" },
  ],
  products: [
    { sku: "PR0001", name: "Shirt", price: 10 },
    { sku: "PR0002", name: "Hat", price: 5 },
    { sku: "PR0005", name: "Mug", price: 7 },
  ],
  tracking_entries: [{ id: "e1" }],
};
const apply = (...texts: string[]) =>
  applyFieldFilters(
    doc,
    texts.map((t) => parseFieldFilter(t) as FieldFilter),
  );

describe("field filters (the documents' grammar)", () => {
  it("-api_call omits the section", () => {
    expect(Object.keys(apply("-api_call"))).toEqual(["campaign", "transactions", "products", "tracking_entries"]);
  });
  it("-api_call.id omits only that property", () => {
    expect(apply("-api_call.id").api_call).toEqual({ unix: 1 });
  });
  it("api_call keeps only that section; api_call.id only that property", () => {
    expect(apply("api_call")).toEqual({ api_call: { id: "a1", unix: 1 } });
    expect(apply("api_call.id")).toMatchObject({ api_call: { id: "a1" }, campaign: doc.campaign });
  });
  it("-api_call with transactions.amount: no api_call, and only amounts in transactions", () => {
    const out = apply("-api_call", "transactions.amount");
    expect(out.api_call).toBeUndefined();
    expect(out.transactions).toEqual([{ amount: 10 }, { amount: 20 }]);
  });
  it("transactions.gateway_id=abc123 with two kept fields", () => {
    expect(
      apply("transactions.gateway_id=abc123", "transactions.amount", "transactions.gateway_transaction_id")
        .transactions,
    ).toEqual([{ amount: 10, gateway_transaction_id: "g1" }]);
  });
  it("products.sku=PR0001, products.sku=PR0002, -products.name", () => {
    expect(apply("products.sku=PR0001", "products.sku=PR0002", "-products.name").products).toEqual([
      { sku: "PR0001", price: 10 },
      { sku: "PR0002", price: 5 },
    ]);
  });
  it("-products.sku=PR0005, -tracking_entries, -products.name", () => {
    const out = apply("-products.sku=PR0005", "-tracking_entries", "-products.name");
    expect(out.products).toEqual([
      { sku: "PR0001", price: 10 },
      { sku: "PR0002", price: 5 },
    ]);
    expect(out.tracking_entries).toBeUndefined();
  });
  it("refuses expressions that name nothing", () => {
    expect(parseFieldFilter("=x")).toMatch(/names no field/);
    expect(parseFieldFilter("-")).toMatch(/names no field/);
    expect(parseFieldFilter("products=PR0001")).toMatch(/must name a field before "="/);
  });
});
