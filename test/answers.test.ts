// The shaping rules of src/tools/answers.ts on answers built to hit each edge: a summary only ever
// leaves out, a cut list continues exactly, a record shrinks inside the one section it was asked for.
import { describe, expect, it } from "vitest";
import { pickFields } from "../src/operations/field-filter.js";
import type { Operation } from "../src/operations/operation.js";
import { estimateTokens, fitAnswer, summarized } from "../src/tools/answers.js";

const op = (summaryFields?: string[]) => ({ id: "GetThings", kind: "list", summaryFields }) as unknown as Operation;
const within = (answer: unknown, tokens: number) =>
  expect(estimateTokens(JSON.stringify(answer))).toBeLessThanOrEqual(tokens);

describe("summaries", () => {
  it("keep the named paths, through nested objects and each element of an array, and add nothing", () => {
    const item = {
      id: "a",
      secret_free: 1,
      customer: { id: "c", first_name: "Ann", email: "ann@example.com" },
      products: [{ name: "Hat", sku: "H1" }, { name: "Cap" }],
    };
    expect(pickFields(item, ["id", "customer.first_name", "products.name", "missing", "customer.zip"])).toEqual({
      id: "a",
      customer: { first_name: "Ann" },
      products: [{ name: "Hat" }, { name: "Cap" }],
    });
  });

  it("apply to list answers only, and say which view they are", () => {
    const page = { code: 1, results: [{ id: "a", name: "x", extra: "y" }] };
    expect(summarized(op(["id"]), page)).toMatchObject({ view: "summary", results: [{ id: "a" }] });
    expect(summarized(op(), page)).toBe(page);
    expect(summarized(op(["id"]), { id: "a", name: "x" })).toEqual({ id: "a", name: "x" });
  });
});

describe("the answer budget", () => {
  const items = Array.from({ length: 25 }, (_, i) => ({
    id: `item${String(i).padStart(16, "0")}`,
    text: "w".repeat(200),
  }));

  it("cuts page 3 of 25 to a count that divides the 50 items before it, so next starts right after", () => {
    const fitted = fitAnswer(op(), { limit: 25, page: 3 }, { code: 1, results: items }, 1_000);
    within(fitted, 1_000);
    const shown = (fitted.results as unknown[]).length;
    expect(fitted.truncated).toBe(true);
    expect(50 % shown).toBe(0);
    expect(fitted.next).toEqual({ limit: shown, page: (50 + shown) / shown + 1 });
  });

  it("leaves a record's largest nested section out first and names it", () => {
    const record = { id: "r", small: { a: 1 }, big: { text: "x".repeat(3_000) }, status: "ok" };
    const fitted = fitAnswer(op(), {}, record, 500);
    within(fitted, 500);
    expect(fitted).toMatchObject({ id: "r", small: { a: 1 }, status: "ok", truncated: true, omitted: ["big"] });
  });

  it("shrinks inside the one section fields named, rather than leaving it all out", () => {
    const section = { keep: "k", huge: "h".repeat(3_000), list: Array.from({ length: 300 }, (_, i) => i) };
    const fitted = fitAnswer(op(), {}, { section }, 500);
    within(fitted, 500);
    expect(fitted.omitted).toEqual(expect.arrayContaining(["section.huge"]));
    expect((fitted.section as Record<string, unknown>).keep).toBe("k");
  });

  it("cuts a lone long string last, and says it did", () => {
    const fitted = fitAnswer(op(), {}, { note: "n".repeat(10_000) }, 300);
    within(fitted, 300);
    expect(fitted.omitted).toEqual(["note (cut)"]);
    expect(String(fitted.note).endsWith("…")).toBe(true);
  });

  it("counts non-ASCII text by its bytes, so it is not under-counted", () => {
    expect(estimateTokens("日本語のテキスト")).toBeGreaterThanOrEqual(8);
  });
});
