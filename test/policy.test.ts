import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_TOOLSETS, Policy, type PolicyConfig } from "../src/operations/policy.js";
import { ConfigError } from "../src/errors.js";
import { loadOperations } from "../src/operations/openapi.js";
import { bundledV1Operations } from "../src/operations/v1-catalog.js";

const operations = loadOperations(
  JSON.parse(readFileSync(new URL("../spec/revcent-v2.openapi.json", import.meta.url), "utf8")),
);
const base: PolicyConfig = {
  profile: "operator",
  toolsets: null,
  tools: [],
  denyTools: [],
  readOnly: false,
  guard: false,
};
const allowedIds = (p: Policy) => operations.filter((o) => p.allows(o.id)).map((o) => o.id);

describe("Policy", () => {
  it("default: the curated toolsets, at most 128 tools", () => {
    const p = Policy.fromConfig(base, operations);
    expect(p.size).toBeLessThanOrEqual(128);
    expect(p.size).toBeGreaterThan(60);
    expect(new Set(p.toolsets)).toEqual(new Set(DEFAULT_TOOLSETS));
    expect(p.allows("GetCustomer")).toBe(true);
    expect(p.allows("CreateUserGateway")).toBe(false);
  });

  it("every default toolset exists in the spec", () => {
    const known = new Set(operations.map((o) => o.toolset));
    expect(DEFAULT_TOOLSETS.filter((t) => !known.has(t))).toEqual([]);
  });

  it("default on a document with other tags (e.g. --openapi) means every toolset", () => {
    const foreign = loadOperations({ paths: { "/x": { get: { operationId: "GetX", tags: ["Elsewhere"] } } } });
    expect(Policy.fromConfig(base, foreign).allows("GetX")).toBe(true);
  });

  it("all: every operation", () => {
    expect(Policy.fromConfig({ ...base, toolsets: ["all"] }, operations).size).toBe(operations.length);
  });

  it("readonly profile and --read-only keep only operations that change nothing", () => {
    for (const cfg of [
      { ...base, profile: "readonly" as const },
      { ...base, readOnly: true },
    ]) {
      const ids = allowedIds(Policy.fromConfig({ ...cfg, toolsets: ["all"] }, operations));
      expect(ids).toContain("GetTransactions");
      expect(ids).toContain("SearchCustomers");
      expect(ids).not.toContain("VoidSale");
      expect(ids).not.toContain("CreateSale");
      expect(ids.every((id) => operations.find((o) => o.id === id)!.readOnly)).toBe(true);
    }
  });

  it("--tools alone means exactly those tools; --deny-tools removes", () => {
    expect(allowedIds(Policy.fromConfig({ ...base, tools: ["GetAIAssistant", "GetSale"] }, operations))).toEqual([
      "GetAIAssistant",
      "GetSale",
    ]);
    const p = Policy.fromConfig({ ...base, toolsets: ["sales"], denyTools: ["VoidSale"] }, operations);
    expect(p.allows("CreateSale")).toBe(true);
    expect(p.allows("VoidSale")).toBe(false);
    expect(p.allows("GetCustomer")).toBe(false);
  });

  it("unknown toolsets and tools are start-up errors that list what exists", () => {
    expect(() => Policy.fromConfig({ ...base, toolsets: ["salez"] }, operations)).toThrow(ConfigError);
    expect(() => Policy.fromConfig({ ...base, toolsets: ["salez"] }, operations)).toThrow(
      /no toolset named "salez".*sales/,
    );
    expect(() => Policy.fromConfig({ ...base, tools: ["GetSalez"] }, operations)).toThrow(
      /no operation named "GetSalez"/,
    );
  });
});

describe("Policy with the legacy V1 operations", () => {
  const v1 = bundledV1Operations();
  const both = [...operations, ...v1];
  const listedV1 = (p: Policy) => v1.filter((o) => p.lists(o.id)).map((o) => o.id);

  it("v1-legacy is opt-in: neither default nor all lists a V1 operation; naming the toolset or a tool does", () => {
    expect(listedV1(Policy.fromConfig(base, both))).toEqual([]);
    expect(Policy.fromConfig({ ...base, toolsets: ["all"] }, both).size).toBe(operations.length);
    expect(listedV1(Policy.fromConfig({ ...base, toolsets: ["all", "v1-legacy"] }, both))).toEqual(v1.map((o) => o.id));
    expect(Policy.fromConfig({ ...base, toolsets: ["v1-legacy"] }, both).size).toBe(v1.length);
    expect(allowedIds(Policy.fromConfig({ ...base, tools: ["V1QuotaUnitRetrieve", "GetSale"] }, both))).toEqual([
      "GetSale",
    ]);
    expect(
      Policy.fromConfig({ ...base, tools: ["V1QuotaUnitRetrieve", "GetSale"] }, both).allows("V1QuotaUnitRetrieve"),
    ).toBe(true);
  });

  it("read-only keeps the V1 retrieves and drops the cancel", () => {
    expect(listedV1(Policy.fromConfig({ ...base, readOnly: true, toolsets: ["v1-legacy"] }, both)).sort()).toEqual(
      v1
        .filter((o) => o.readOnly)
        .map((o) => o.id)
        .sort(),
    );
    expect(
      Policy.fromConfig({ ...base, readOnly: true, toolsets: ["v1-legacy"] }, both).lists("V1PendingSaleCancel"),
    ).toBe(false);
  });

  it("with the guard on, the reads the guard makes itself may reach RevCent without being listed", () => {
    const guarded = Policy.fromConfig({ ...base, guard: true, toolsets: ["v1-legacy"] }, both);
    for (const id of ["GetCustomer", "GetCustomerCards", "GetSale"]) {
      expect(guarded.allows(id), id).toBe(true);
      expect(guarded.lists(id), id).toBe(false);
    }
    const unguarded = Policy.fromConfig({ ...base, toolsets: ["v1-legacy"] }, both);
    expect(["GetCustomer", "GetCustomerCards"].filter((id) => unguarded.allows(id))).toEqual([]);
    // GetSale stays callable unguarded: V1PendingSaleCancel is held for confirmation, and its
    // summary is read from the sale by the server itself.
    expect(unguarded.allows("GetSale")).toBe(true);
    expect(unguarded.lists("GetSale")).toBe(false);
  });

  it("a call held for confirmation may read its own record for the summary, and nothing more", () => {
    const refundsOnly = Policy.fromConfig({ ...base, toolsets: null, tools: ["RefundTransaction"] }, both);
    expect(refundsOnly.allows("GetTransaction")).toBe(true);
    expect(refundsOnly.lists("GetTransaction")).toBe(false);
    expect(refundsOnly.allows("GetSale")).toBe(false);
    const readOnly = Policy.fromConfig({ ...base, readOnly: true, toolsets: ["transactions"] }, both);
    expect(readOnly.allows("RefundTransaction")).toBe(false);
  });

  it("--support-refunds adds exactly the two refunds to the support profile", () => {
    const plain = Policy.fromConfig({ ...base, profile: "support", guard: true }, both);
    const refunds = Policy.fromConfig({ ...base, profile: "support", guard: true, supportRefunds: true }, both);
    const added = operations.filter((o) => refunds.lists(o.id) && !plain.lists(o.id)).map((o) => o.id);
    expect(added.sort()).toEqual(["RefundProductSale", "RefundTransaction"]);
    const operator = Policy.fromConfig({ ...base, supportRefunds: true, toolsets: ["customers"] }, both);
    expect(operator.lists("RefundTransaction")).toBe(false);
  });

  it("support offers no V1 operation, whatever toolsets are named", () => {
    const support = Policy.fromConfig(
      { ...base, profile: "support", guard: true, toolsets: ["customers", "v1-legacy"] },
      both,
    );
    expect(v1.filter((o) => support.allows(o.id))).toEqual([]);
  });
});
