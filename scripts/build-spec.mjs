#!/usr/bin/env node
// Builds spec/revcent-v2.openapi.json from the authored sources in spec/src/:
//   operations.json    one row per documented V2 operation (id, method, path, summary, tag, and the
//                      list facts the docs state: which parameters are required, max day range)
//   descriptions.json  operationId -> description for agents, in our own words
//   bodies.json        operationId -> request body schema, from the V1 field docs and the guides
//   usage-notes.json   operationId -> how to use it without surprises, in our own words (resource
//                      pages and DescribeOperation show it; tools/list does not)
//   search-keywords.json  operationId -> merchants' words for it, for SearchOperations only
//   summaries.json     per API section, the fields a list or search item shows by default
//   ../official/       facts read from RevCent's official per-operation files (see official-facts.mjs)
//   ../../test/fixtures/official/GetTransactions.json  the one operation of RevCent's official
//                      OpenAPI file we have; used verbatim
// Conventions that the docs state once for every operation (list parameters, error bodies, the
// idempotency key) are applied here, so the authored files only hold what differs.
// Usage: node scripts/build-spec.mjs [--check]   (--check: fail if the committed spec is stale)
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadOfficialFacts, officialBody, officialQueryParameters } from "./official-facts.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const read = (p) => JSON.parse(readFileSync(root + p, "utf8"));
const OUT = "spec/revcent-v2.openapi.json";

const operations = read("spec/src/operations.json");
const descriptions = read("spec/src/descriptions.json");
const bodies = read("spec/src/bodies.json");
const usageNotes = read("spec/src/usage-notes.json");
// Operations that move money, by the class their limits are counted in (refunds, voids, sales).
const moneyClasses = read("spec/src/money.json");
// A charge with no record to read before it runs (a new sale) is priced by this read-only operation.
const estimates = read("spec/src/estimates.json");
const searchKeywords = read("spec/src/search-keywords.json").keywords;
const summaries = read("spec/src/summaries.json");
const officialFacts = loadOfficialFacts(root + "spec/official/");
const official = { GetTransactions: read("test/fixtures/official/GetTransactions.json") };

const INFERRED = { "x-revcent-provenance": "inferred" };

// Toolset names where a tag's slug would be long or unclear to an operator.
const TOOLSET_NAMES = {
  "Sentinel Anti-Fraud": "fraud",
  "Pending Refunds": "refunds",
  BigQuery: "analytics",
  "Products Sold": "product-sales",
};

// Lists whose items belong to a customer accept the documented customer_id filter.
const CUSTOMER_SCOPED = new Set([
  "/sales",
  "/transactions",
  "/subscriptions",
  "/trials",
  "/shipping",
  "/product_sales",
  "/customer_cards",
  "/chargebacks",
  "/pending_refunds",
  "/tax",
  "/subscription_renewals",
  "/salvage_transactions",
  "/invoices",
  "/paypal_transactions",
  "/paypal_disputes",
  "/check_directs",
  "/offline_payments",
  "/fraud_detections",
  "/discounts",
]);
// Lists of items created during a sale, which carry a campaign.
const CAMPAIGN_SCOPED = new Set([...CUSTOMER_SCOPED, "/customers"]);
// Collection GETs that return one object, not a page.
const SINGLETONS = new Set(["/sentinel", "/bigquery_tables"]);
// Operations that can decline, error at the gateway, hold, or be stopped as fraud (HTTP 402).
const PAYMENT_OPERATIONS = new Set([
  "CreateSale",
  "ProcessPendingSale",
  "AddCardToCustomer",
  "ProcessSalvageTransaction",
  "RenewSubscription",
  "ExpireTrial",
]);
const DESTRUCTIVE_VERBS = /^(delete|void|refund|cancel|expire|disable|suspend)$/;
// POSTs that only compute an answer: a query and a price estimate change nothing in the account.
const READ_ONLY_POSTS = new Set(["BigQueryRunQuery", "EstimateSale"]);

function kindOf(op) {
  const segments = op.path.split("/").filter(Boolean);
  const last = segments[segments.length - 1];
  if (op.method === "GET") {
    if (last === "search") return "search";
    if (last.startsWith("{")) return "get";
    if (SINGLETONS.has(op.path)) return "singleton";
    if (op.path === "/coupons/validate") return "query";
    return "list";
  }
  if (segments.length === 1 || op.path === "/sales/pending" || op.path === "/sales/estimate") return "create";
  if (last.startsWith("{")) return "edit";
  return "action";
}

function actionVerb(op) {
  const segments = op.path.split("/").filter(Boolean);
  const last = segments[segments.length - 1];
  return last.startsWith("{") ? null : last;
}

function pathParameters(path) {
  return [...path.matchAll(/\{([a-z_]+)\}/g)].map(([, name]) => {
    const entity = name.replace(/_id$/, "").replace(/_/g, " ");
    const isRevCentId = name.endsWith("_id") && name !== "product_sync_id";
    return {
      name,
      in: "path",
      required: true,
      description: isRevCentId ? `The ${entity} ID (20 characters).` : `The ${entity}.`,
      schema: isRevCentId ? { type: "string", minLength: 20, maxLength: 20 } : { type: "string", minLength: 1 },
    };
  });
}

const ref = (name) => ({ $ref: `#/components/parameters/${name}` });

/** Which list parameters are required: what RevCent's official file shows, else the docs. */
function listRequires(op, entry) {
  const names = (entry?.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name);
  if (!entry?.parameters) return op.requires;
  if (names.includes("date_start")) return "date_range_and_page";
  if (names.includes("page")) return "page";
  return entry.complete ? "nothing" : op.requires;
}

function queryParameters(op, kind) {
  // RevCent's official files show searches taking search_term alone.
  if (kind === "search") return [ref("search_term")];
  if (op.path === "/coupons/validate") {
    return [
      {
        name: "coupon_code",
        in: "query",
        required: true,
        description: "The coupon code to check.",
        schema: { type: "string", minLength: 1, "x-revcent-provenance": "v1-docs" },
      },
    ];
  }
  if (kind !== "list") return [];
  // The V2 reference's rule for every list: date_start, date_end, limit and page are required,
  // unless the operation says otherwise (its text, or RevCent's official file for it); a list whose
  // published text shows no URL parameters gets none.
  const requires = listRequires(op, officialFacts.get(`${op.method} ${op.path}`)) ?? "date_range_and_page";
  if (requires === "nothing") return [];
  const params = [];
  if (requires === "date_range_and_page") params.push(ref("date_start"), ref("date_end"), ref("limit"), ref("page"));
  else params.push(ref("limit"), ref("page"));
  if (CAMPAIGN_SCOPED.has(op.path)) params.push(ref("campaign_filter"));
  if (requires === "date_range_and_page") params.push(ref("metadata_filter"));
  if (CUSTOMER_SCOPED.has(op.path)) params.push(ref("customer_id"));
  if (op.path === "/project_notes") {
    params.push({
      name: "project_filter",
      in: "query",
      required: false,
      explode: true,
      style: "form",
      description: "Only notes of these projects.",
      schema: { type: "array", items: { type: "string", minLength: 20, maxLength: 20 }, ...INFERRED },
    });
  }
  return params;
}

function requestBody(op, kind) {
  if (op.method !== "POST") return undefined;
  const authored = bodies[op.operationId];
  const entry = officialFacts.get(`${op.method} ${op.path}`);
  const schema =
    officialBody(entry, authored && structuredClone(authored)) ??
    (authored
      ? structuredClone(authored)
      : {
          type: "object",
          description: "Fields of the request; not documented field by field.",
          additionalProperties: true,
          properties: {},
          ...INFERRED,
        });
  schema.properties = { ...schema.properties, idempotency_key: { $ref: "#/components/schemas/IdempotencyKey" } };
  const required = Boolean(schema.required?.length);
  return { required, content: { "application/json": { schema } } };
}

const resolveParameter = (p) => (p.$ref ? components.parameters[p.$ref.split("/").pop()] : p);

function responses(op, kind) {
  const ok = kind === "list" || kind === "search" ? "ListResponse" : "ItemResponse";
  const out = {
    200: {
      description: "Successful response.",
      content: { "application/json": { schema: { $ref: `#/components/schemas/${ok}` } } },
    },
  };
  if (PAYMENT_OPERATIONS.has(op.operationId)) out[402] = { $ref: "#/components/responses/PaymentError" };
  out.default = { $ref: "#/components/responses/Error" };
  return out;
}

function description(op, kind) {
  const text = descriptions[op.operationId];
  if (!text) throw new Error(`spec/src/descriptions.json has no description for ${op.operationId}`);
  if (kind === "list" && op.maxRangeDays) return `${text} Date range at most ${op.maxRangeDays} days.`;
  return text;
}

/** The marks the server's confirmation and limits read: official operations carry them too. */
function moneyMarks(id) {
  const moneyClass = moneyClasses[id];
  if (!moneyClass) return {};
  const estimate = estimates[id] ? { "x-revcent-estimate-with": estimates[id] } : {};
  return { "x-revcent-moves-money": true, "x-revcent-money-class": moneyClass, ...estimate };
}

/**
 * The item summary of a list or search, from its section's entry in summaries.json; none where the
 * section asks for whole items, and none on reads of one record. A collection GET without paging
 * (a singleton) answers with items only in some sections, so only a section's own entry applies.
 */
function summaryMark(op, kind) {
  if (kind !== "list" && kind !== "search" && kind !== "singleton") return {};
  const fields = summaries.tags[op.tag] ?? (kind === "singleton" ? "full" : summaries.default);
  return fields === "full" ? {} : { "x-revcent-summary": fields };
}

function buildOperation(op) {
  const kind = kindOf(op);
  if (official[op.operationId]) {
    const o = official[op.operationId];
    return {
      operationId: o.operationId,
      summary: o.summary,
      description: description(op, kind),
      tags: [op.tag],
      ...(op.maxRangeDays ? { "x-revcent-max-range-days": op.maxRangeDays } : {}),
      ...summaryMark(op, kind),
      parameters: o.parameters,
      requestBody: o.requestBody,
      responses: o.responses,
    };
  }
  const verb = actionVerb(op);
  const out = { operationId: op.operationId, summary: op.summary, description: description(op, kind), tags: [op.tag] };
  if (usageNotes[op.operationId]) out["x-revcent-usage"] = usageNotes[op.operationId];
  if (searchKeywords[op.operationId]) out["x-revcent-keywords"] = searchKeywords[op.operationId];
  // RevCent's official files name a few operations otherwise than the V2 prose; the prose names
  // stay callable.
  if (op.aliases) out["x-revcent-aliases"] = op.aliases;
  if (kind === "list" && op.maxRangeDays) out["x-revcent-max-range-days"] = op.maxRangeDays;
  if (verb && DESTRUCTIVE_VERBS.test(verb)) out["x-revcent-destructive"] = true;
  if (READ_ONLY_POSTS.has(op.operationId)) out["x-revcent-read-only"] = true;
  Object.assign(out, summaryMark(op, kind));
  const entry = officialFacts.get(`${op.method} ${op.path}`);
  const query = queryParameters(op, kind);
  const parameters = [
    ...pathParameters(op.path),
    ...(entry?.parameters && kind === "list" ? officialQueryParameters(entry, query, resolveParameter) : query),
  ];
  if (parameters.length) out.parameters = parameters;
  const body = requestBody(op, kind);
  if (body) out.requestBody = body;
  out.responses = responses(op, kind);
  return out;
}

function slug(name) {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

const components = {
  securitySchemes: { ApiKey: { type: "apiKey", in: "header", name: "x-api-key" } },
  parameters: {
    date_start: {
      name: "date_start",
      in: "query",
      required: true,
      style: "form",
      description: "Range start, unix seconds.",
      schema: { type: "integer", format: "unix-time" },
    },
    date_end: {
      name: "date_end",
      in: "query",
      required: true,
      style: "form",
      description: "Range end, unix seconds.",
      schema: { type: "integer", format: "unix-time" },
    },
    limit: {
      name: "limit",
      in: "query",
      required: true,
      style: "form",
      description: "Items per page, 1-25.",
      schema: { type: "integer", format: "int32", minimum: 1, maximum: 25 },
    },
    page: {
      name: "page",
      in: "query",
      required: true,
      style: "form",
      description: "Page number, from 1.",
      schema: { type: "integer", format: "int32", minimum: 1 },
    },
    search_term: {
      name: "search_term",
      in: "query",
      required: true,
      style: "form",
      description: "Text to search for.",
      schema: { type: "string", minLength: 1 },
    },
    campaign_filter: {
      name: "campaign_filter",
      in: "query",
      required: false,
      style: "form",
      explode: true,
      description: "Only items of these campaign IDs.",
      schema: { type: "array", items: { type: "string", minLength: 20, maxLength: 20 } },
    },
    customer_id: {
      name: "customer_id",
      in: "query",
      required: false,
      style: "form",
      description: "Only items of this customer ID.",
      schema: { type: "string" },
    },
    metadata_filter: {
      name: "metadata_filter",
      in: "query",
      required: false,
      style: "deepObject",
      explode: true,
      description: "Only items whose metadata has each name/value pair; value METADATA_NAME_EXISTS matches any value.",
      schema: {
        type: "array",
        items: {
          type: "object",
          additionalProperties: false,
          required: ["name", "value"],
          properties: { name: { type: "string" }, value: { type: "string" } },
        },
      },
    },
  },
  schemas: {
    IdempotencyKey: {
      type: "string",
      minLength: 10,
      maxLength: 255,
      description: "Rejects the request if the same key was used by this API account in the past 24 hours.",
    },
    ListResponse: {
      type: "object",
      ...INFERRED,
      properties: {
        api_call_id: { type: "string" },
        api_call_unix: { type: "integer", format: "unix-time" },
        code: { type: "integer" },
        current_count: { type: "integer" },
        current_page: { type: "integer" },
        total_count: { type: "integer" },
        total_pages: { type: "integer" },
        results: { type: "array", items: { type: "object" } },
      },
    },
    ItemResponse: {
      type: "object",
      ...INFERRED,
      properties: {
        api_call_id: { type: "string" },
        api_call_unix: { type: "integer", format: "unix-time" },
        code: { type: "integer" },
        result: { type: "string" },
      },
    },
    Error: {
      title: "APIStandardErrors",
      type: "object",
      properties: {
        api_call_id: { type: "string" },
        api_call_unix: { type: "integer", format: "unix-time" },
        code: { type: "integer", enum: [0], description: "Always 0 for a non-payment error." },
        error_code: { type: "string" },
        message: { type: "string" },
        result: { type: "string" },
      },
    },
    PaymentError: {
      type: "object",
      properties: {
        code: {
          type: "integer",
          enum: [2, 3, 4, 5],
          description: "2 declined, 3 gateway error, 4 gateway hold, 5 fraud detected.",
        },
        message: { type: "string" },
        result: { type: "string" },
        gateway_raw_response: { type: "object" },
        fraud_detected: { type: "boolean" },
        fraud_detection_created: { type: "array", items: { type: "string" } },
        fraud_detection_response: { type: "object" },
      },
    },
  },
  responses: {
    Error: {
      description: "Error response (400, 401, 404, 405, 500).",
      content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
    },
    PaymentError: {
      description: "Payment failed: declined, gateway error, hold, or fraud.",
      content: { "application/json": { schema: { $ref: "#/components/schemas/PaymentError" } } },
    },
  },
};

const paths = {};
for (const op of operations) {
  paths[op.path] ??= {};
  paths[op.path][op.method.toLowerCase()] = { ...buildOperation(op), ...moneyMarks(op.operationId) };
}
for (const [id, estimate] of Object.entries(estimates))
  if (!moneyClasses[id] || !operations.some((op) => op.operationId === estimate))
    throw new Error(`spec/src/estimates.json: ${id} must move money and ${estimate} must be an operation`);
for (const id of Object.keys(moneyClasses))
  if (!operations.some((op) => op.operationId === id))
    throw new Error(`spec/src/money.json names ${id}, which is no operation`);
const tagNames = [...new Set(operations.map((o) => o.tag))];
for (const tag of Object.keys(summaries.tags))
  if (!tagNames.includes(tag)) throw new Error(`spec/src/summaries.json names ${tag}, which is no API section`);
const spec = {
  openapi: "3.1.0",
  info: {
    title: "RevCent API",
    version: "2.0.0",
    description:
      "Reconstructed from RevCent's public V2 and V1 documentation by scripts/build-spec.mjs. Do not edit by hand: edit spec/src/ and rebuild. Nodes marked x-revcent-provenance are not read straight off the V2 docs.",
  },
  servers: [{ url: "https://api.revcent.com/v2" }],
  security: [{ ApiKey: [] }],
  tags: tagNames.map((name) => ({ name, "x-revcent-toolset": TOOLSET_NAMES[name] ?? slug(name) })),
  paths,
  components,
};

const text = JSON.stringify(spec, null, 1) + "\n";
if (process.argv.includes("--check")) {
  const current = readFileSync(root + OUT, "utf8");
  if (current !== text) {
    console.error(`${OUT} is stale: run npm run build:spec`);
    process.exit(1);
  }
} else {
  writeFileSync(root + OUT, text);
  console.error(`wrote ${OUT}: ${operations.length} operations, ${tagNames.length} tags`);
}
