// The committed spec against the docs: valid OpenAPI 3.1, every documented operation present
// once, documented operationIds verbatim, GetTransactions identical to RevCent's official file,
// and the file current with its sources.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";

const load = (p: string) => JSON.parse(readFileSync(new URL(p, import.meta.url), "utf8"));
const spec = load("../spec/revcent-v2.openapi.json");
const documented: { method: string; path: string; title: string | null; maxRangeDays?: number }[] = load(
  "fixtures/documented-operations.json",
);
const namedIds: string[] = load("fixtures/documented-operation-ids.json");
const official = load("fixtures/official/GetTransactions.json");
const officialIds: { ids: string[] } = load("fixtures/official-operation-ids.json");

type Op = Record<string, any>;
const operations: { method: string; path: string; op: Op }[] = Object.entries(
  spec.paths as Record<string, Record<string, Op>>,
).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ method: method.toUpperCase(), path, op })));
const byId = new Map(operations.map((o) => [o.op.operationId as string, o]));
const byAlias = new Map(
  operations.flatMap((o) => ((o.op["x-revcent-aliases"] ?? []) as string[]).map((alias) => [alias, o] as const)),
);

describe("spec/revcent-v2.openapi.json", () => {
  it("validates as OpenAPI 3.1", async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(spec));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("has exactly the 282 documented (method, path) pairs", () => {
    const inSpec = operations.map((o) => `${o.method} ${o.path}`).sort();
    const inDocs = documented.map((o) => `${o.method} ${o.path}`).sort();
    expect(inDocs).toHaveLength(282);
    expect(inSpec).toEqual(inDocs);
  });

  it("uses every operationId the docs name, verbatim (as the name or an alias), and ids are unique", () => {
    expect(namedIds.length).toBeGreaterThanOrEqual(60);
    expect(namedIds.filter((id) => !byId.has(id) && !byAlias.has(id))).toEqual([]);
    expect(byId.size).toBe(operations.length);
    expect([...byAlias.keys()].filter((alias) => byId.has(alias))).toEqual([]);
  });

  it("uses RevCent's official operationIds; the V2 prose's other names are aliases of the same operation", () => {
    expect(officialIds.ids.length).toBeGreaterThan(200);
    expect(officialIds.ids.filter((id) => !byId.has(id))).toEqual([]);
    expect(byAlias.get("SubscriptionActivate")?.op.operationId).toBe("ActivateSubscription");
    expect(byAlias.get("SubscriptionSuspend")?.op.operationId).toBe("SuspendSubscription");
  });

  it("titles match the docs where the docs give one", () => {
    for (const d of documented) {
      const o = operations.find((x) => x.method === d.method && x.path === d.path)!;
      if (d.title) expect(o.op.summary, `${d.method} ${d.path}`).toBe(d.title);
      else expect(o.op.summary).toMatch(/^(Create|Get) A /);
    }
  });

  it("GetTransactions equals the official operation", () => {
    const ours = byId.get("GetTransactions")!.op;
    expect(ours.parameters).toEqual(official.parameters);
    expect(ours.requestBody).toEqual(official.requestBody);
    expect(ours.responses).toEqual(official.responses);
    expect(ours.summary).toBe(official.summary);
  });

  it("lists carry their documented day range; lists take limit 1-25", () => {
    for (const d of documented.filter((x) => x.maxRangeDays)) {
      const o = operations.find((x) => x.method === d.method && x.path === d.path)!;
      expect(o.op["x-revcent-max-range-days"], o.op.operationId).toBe(d.maxRangeDays);
    }
    expect(spec.components.parameters.limit.schema).toMatchObject({ minimum: 1, maximum: 25 });
  });

  it("follows the docs' list rule: date_start, date_end, limit and page required unless the operation's text or official file says otherwise", () => {
    const paging = ["date_start", "date_end", "limit", "page"];
    const broken: string[] = [];
    const resolve = (p: Op) => (p.$ref ? spec.components.parameters[p.$ref.split("/").pop()] : p);
    for (const d of documented as { method: string; path: string; requires?: string; urlParameters?: boolean }[]) {
      if (
        d.method !== "GET" ||
        d.path.endsWith("}") ||
        d.path.endsWith("/search") ||
        ["/sentinel", "/bigquery_tables", "/coupons/validate"].includes(d.path)
      )
        continue;
      const op = operations.find((o) => o.method === "GET" && o.path === d.path)!.op;
      const query = ((op.parameters ?? []) as Op[]).map(resolve).filter((p) => p.in === "query");
      const required = query
        .filter((p) => p.required && paging.includes(p.name))
        .map((p) => p.name)
        .sort();
      let file: Op | undefined;
      try {
        file = JSON.parse(readFileSync(new URL(`../spec/official/${op.operationId}.json`, import.meta.url), "utf8"));
      } catch {
        file = undefined;
      }
      const official =
        file?.found?.file && file.parameters
          ? (file.parameters as Op[])
              .filter((p) => p.in === "query" && p.required && paging.includes(p.name))
              .map((p) => p.name)
              .sort()
          : undefined;
      const expected = !d.urlParameters
        ? []
        : (official ?? (d.requires === "page" ? ["limit", "page"] : [...paging].sort()));
      if (JSON.stringify(required) !== JSON.stringify(expected))
        broken.push(
          `${op.operationId}: requires ${required.join(",") || "nothing"}, the rule says ${expected.join(",") || "nothing"}`,
        );
      if (!d.urlParameters && query.length)
        broken.push(
          `${op.operationId}: the docs show no URL parameters, the spec has ${query.map((p) => p.name).join(", ")}`,
        );
    }
    expect(broken).toEqual([]);
  });

  it("marks destructive operations", () => {
    for (const id of [
      "VoidSale",
      "RefundTransaction",
      "RefundProductSale",
      "RefundShipment",
      "RefundTax",
      "CancelSubscription",
      "ExpireTrial",
      "DeleteProduct",
      "DisableCustomer",
      "SuspendSubscription",
    ]) {
      expect(byId.get(id)?.op["x-revcent-destructive"], id).toBe(true);
    }
    expect(byId.get("CreateNote")?.op["x-revcent-destructive"]).toBeUndefined();
  });

  it("every request body property says where it comes from; secrets are marked", () => {
    const unmarked: string[] = [];
    const secrets: string[] = [];
    const walk = (schema: Op | undefined, at: string) => {
      if (!schema || schema.$ref) return;
      if (schema["x-revcent-secret"]) secrets.push(at);
      for (const [name, sub] of Object.entries((schema.properties ?? {}) as Record<string, Op>)) {
        if (!sub.$ref && !sub["x-revcent-provenance"]) unmarked.push(`${at}.${name}`);
        walk(sub, `${at}.${name}`);
      }
      if (schema.items) walk(schema.items, `${at}[]`);
    };
    for (const { op } of operations) {
      const body = op.requestBody?.content?.["application/json"]?.schema;
      if (!body || op.operationId === "GetTransactions") continue;
      if (!body["x-revcent-provenance"]) unmarked.push(op.operationId);
      walk(body, op.operationId);
    }
    expect(unmarked).toEqual([]);
    expect(secrets.some((s) => /^CreateSale\..*card.*number/i.test(s))).toBe(true);
  });

  it("says truthfully where each body field comes from, as far as the sources let a test check", () => {
    const fields: { v1: string[]; v2: string[] } = load("fixtures/doc-field-names.json");
    const inV1 = new Set(fields.v1);
    const inV2 = new Set(fields.v2);
    const KNOWN = new Set([
      "v2-docs",
      "v1-docs",
      "official-operation-file",
      "official-guide",
      "get-response",
      "inferred",
    ]);
    const officialDir = new URL("../spec/official/", import.meta.url);
    const officialOf = (id: string) => {
      try {
        return JSON.parse(readFileSync(new URL(`${id}.json`, officialDir), "utf8"));
      } catch {
        return undefined;
      }
    };
    const disproved: string[] = [];
    let guideFacts = "";
    const walk = (schema: Op, official: Op | undefined, at: string) => {
      for (const [name, sub] of Object.entries((schema.properties ?? {}) as Record<string, Op>)) {
        if (sub.$ref) continue;
        const claim = sub["x-revcent-provenance"];
        const theirs = official?.properties?.[name] as Op | undefined;
        if (!KNOWN.has(claim)) disproved.push(`${at}.${name}: unknown provenance ${claim}`);
        if (claim === "v1-docs" && !inV1.has(name))
          disproved.push(`${at}.${name}: v1-docs, but the V1 reference never names ${name}`);
        if (claim === "v2-docs" && !inV2.has(name))
          disproved.push(`${at}.${name}: v2-docs, but no V2 seed names ${name}`);
        if (claim === "official-operation-file" && !theirs)
          disproved.push(`${at}.${name}: official-operation-file, but the official file shows no ${name} here`);
        if (claim === "official-guide" && !guideFacts.includes(name))
          disproved.push(`${at}.${name}: official-guide, but what was read of the guide never names ${name}`);
        walk(sub, theirs, `${at}.${name}`);
        if (sub.items) walk(sub.items, theirs?.items as Op | undefined, `${at}.${name}[]`);
      }
    };
    let checked = 0;
    for (const { op } of operations) {
      const body = op.requestBody?.content?.["application/json"]?.schema;
      if (!body || op.operationId === "GetTransactions") continue;
      const file =
        officialOf(op.operationId) ??
        [...byAlias.entries()]
          .filter(([, o]) => o.op === op)
          .map(([alias]) => officialOf(alias))
          .find(Boolean);
      const theirs = file?.found?.file ? file.requestBody?.schema : undefined;
      guideFacts = ((file?.facts ?? []) as string[]).join(" ");
      walk(body, theirs?.allOf ? Object.assign({}, ...theirs.allOf) : theirs, op.operationId);
      checked += 1;
    }
    expect(checked).toBeGreaterThan(140);
    expect(disproved).toEqual([]);
  });

  it("every POST the docs show with a body has its fields, unless no readable source names them (listed, and checked)", () => {
    const exempt: string[] = load("fixtures/bodies-without-source.json").operations;
    const isPlaceholder = (op: Op) => {
      const schema = op.requestBody.content["application/json"].schema;
      return (
        schema.additionalProperties === true &&
        Object.keys(schema.properties ?? {}).filter((f) => f !== "idempotency_key").length === 0
      );
    };
    const withoutFields = documented
      .filter((d) => (d as { body?: boolean }).body)
      .map((d) => operations.find((o) => o.method === d.method && o.path === d.path)!.op)
      .filter(isPlaceholder)
      .map((op) => op.operationId as string);
    expect(withoutFields.sort()).toEqual([...exempt].sort());
    for (const id of exempt) {
      let file: { found?: { file?: boolean } } | undefined;
      try {
        file = JSON.parse(readFileSync(new URL(`../spec/official/${id}.json`, import.meta.url), "utf8"));
      } catch {
        file = undefined; // not read yet: no source known
      }
      expect(file?.found?.file ?? false, `${id} has an official file: its body can be written`).toBe(false);
    }
    expect(documented.filter((d) => (d as { body?: boolean }).body)).toHaveLength(97);
  });

  it("documents request bodies for the operations agents use most", () => {
    const documentedBodies = [
      "CreateSale",
      "CreatePendingSale",
      "UpdatePendingSale",
      "EstimateSale",
      "CreateCustomer",
      "EditCustomer",
      "AddCardToCustomer",
      "CreateProduct",
      "EditProduct",
      "RefundTransaction",
      "RefundProductSale",
      "VoidSale",
      "CreateChargeback",
      "EditChargeback",
      "CreateChargebackDocument",
      "CreateNote",
      "InsertMetadata",
      "CreateFraudDetection",
      "EditSubscription",
      "ExtendTrial",
      "ShortenTrial",
      "BigQueryRunQuery",
      "CreateSecureForm",
      "SendSMTPMessage",
      "CreateInvoice",
    ];
    // The builder's placeholder for an undocumented body is open and has no fields of its own.
    const isPlaceholder = (id: string) => {
      const schema = byId.get(id)?.op.requestBody.content["application/json"].schema;
      const fields = Object.keys(schema?.properties ?? {}).filter((f) => f !== "idempotency_key");
      return schema?.additionalProperties === true && fields.length === 0;
    };
    const open = documentedBodies.filter(isPlaceholder);
    expect(open).toEqual([]);
  });

  it("is current with spec/src (npm run build:spec)", () => {
    expect(() =>
      execFileSync(process.execPath, ["scripts/build-spec.mjs", "--check"], {
        cwd: new URL("..", import.meta.url),
        stdio: "pipe",
      }),
    ).not.toThrow();
  });
});
