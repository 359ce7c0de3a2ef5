// RevCent's legacy V1 endpoint (POST /v1, body {"request": {type, method, ...}}) for the operations
// of the V1 catalog: the request is checked against the catalog's input schema, then answered
// from the same store as V2. V1 reports outcomes in the body's `code` (0 error, 1 success) with
// HTTP 200; errors carry a message naming the field or the missing item.
import type { Operation } from "../operations/operation.js";
import { ApiError, NOT_FOUND_MESSAGE, type ApiCall } from "./responses.js";
import { isRecord } from "./schema.js";
import type { Item, Store } from "./store.js";
import { voidSale } from "./void.js";

export const V1_PATH = "/v1";

export interface V1Context {
  store: Store;
  call: ApiCall;
  /** Sandbox clock, unix seconds. */
  now: number;
  newId: (collection: string) => string;
}

export interface V1Request {
  /** The catalog operation the request names; undefined for a type/method the sandbox does not serve. */
  op: Operation | undefined;
  type: string;
  method: string;
  fields: Record<string, unknown>;
}

/** Where a retrieve looks, and which fields besides `id` name a record. */
const RETRIEVABLE: Record<string, { collection: string; alsoBy?: string }> = {
  license_key: { collection: "license_keys", alsoBy: "license_key" },
  quota_unit: { collection: "quota_units" },
  quota_unit_group: { collection: "quota_unit_groups" },
  fraud_detection_request: { collection: "fraud_detection_requests" },
};

class V1Error extends Error {}

/** The request in a V1 body; undefined when the body is not a V1 request at all. */
export function parseV1Request(raw: string, operations: readonly Operation[]): V1Request | undefined {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const request = isRecord(body) ? body.request : undefined;
  if (!isRecord(request) || typeof request.type !== "string" || typeof request.method !== "string") return undefined;
  const { type, method, ...fields } = request;
  const candidates = operations.filter((o) => o.v1?.type === type && o.v1.method === method);
  // Several operations may share a type and method (sale/void by unique_request_id or sale_id).
  const op = candidates.find((o) => Object.keys(fields).every((f) => o.bodyFields.includes(f))) ?? candidates[0];
  return { op, type, method, fields };
}

/** The V1 answer to a request: a success body (code 1) or an error body (code 0), always JSON. */
export function answerV1(ctx: V1Context, request: V1Request | undefined): Record<string, unknown> {
  const head = {
    api_call_id: ctx.call.api_call_id,
    api_call_unix: ctx.call.api_call_unix,
    request_type: request?.type,
    request_method: request?.method,
  };
  try {
    if (!request)
      throw new V1Error('The body must be JSON of the form {"request": {"type": ..., "method": ..., ...}}.');
    if (!request.op)
      throw new V1Error(`The request type "${request.type}" with method "${request.method}" is not supported.`);
    checkFields(request.op, request.fields);
    return { ...head, api_call_processed: true, code: 1, ...perform(ctx, request.op, request.fields) };
  } catch (err) {
    if (!(err instanceof V1Error) && !(err instanceof ApiError)) throw err;
    return { ...head, api_call_processed: false, code: 0, message: err.message };
  }
}

/** Required fields present, every field known and of its type (V1's fields are strings). */
function checkFields(op: Operation, fields: Record<string, unknown>): void {
  const properties = (op.inputSchema.properties ?? {}) as Record<string, { type?: string }>;
  for (const name of (op.inputSchema.required as string[] | undefined) ?? []) {
    if (fields[name] === undefined || fields[name] === "") throw new V1Error(`The ${name} property is required.`);
  }
  for (const [name, value] of Object.entries(fields)) {
    const schema = properties[name];
    if (!schema)
      throw new V1Error(
        `The ${name} property is not valid for ${op.v1!.type} ${op.v1!.method}; allowed: ${Object.keys(properties).join(", ")}.`,
      );
    if (schema.type === "string" && typeof value !== "string")
      throw new V1Error(`The ${name} property must be a string.`);
  }
}

function perform(ctx: V1Context, op: Operation, fields: Record<string, unknown>): Record<string, unknown> {
  const { type, method } = op.v1!;
  if (method === "retrieve" && RETRIEVABLE[type]) return retrieve(ctx.store, RETRIEVABLE[type], String(fields.id));
  if (type === "sale" && method === "void") return cancelSale(ctx, String(fields.unique_request_id ?? fields.sale_id));
  throw new V1Error(`The request type "${type}" with method "${method}" is not supported.`);
}

function retrieve(store: Store, where: { collection: string; alsoBy?: string }, id: string): Record<string, unknown> {
  const items = store.collection(where.collection);
  const item = items.get(id) ?? (where.alsoBy ? items.find((i) => i[where.alsoBy!] === id) : undefined);
  if (!item) throw new V1Error(NOT_FOUND_MESSAGE);
  return { current_count: 1, current_page: 1, results: [item], total_count: 1, total_pages: 1 };
}

/** Pending Sale Cancel: the sale void of V1, by the sale's unique_request_id or its id. */
function cancelSale(ctx: V1Context, key: string): Record<string, unknown> {
  const sales = ctx.store.collection("sales");
  const sale: Item | undefined = sales.find((s) => s.unique_request_id === key) ?? sales.get(key);
  if (!sale) throw new V1Error(`No sale has the unique_request_id or sale ID "${key}".`);
  const { refund_amount: _total, ...lists } = voidSale(ctx, sale).extra;
  return {
    ...lists,
    amount: sale.amount ?? 0,
    campaign_id: sale.campaign_id,
    campaign_name: sale.campaign_name,
    customer_id: sale.customer_id,
    sale_id: sale.id,
    unique_request_id: sale.unique_request_id ?? sale.id,
    result: "Sale successfully void.",
  };
}
