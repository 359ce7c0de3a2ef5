// Response bodies of the RevCent V2 API: success envelopes (item, created/action, list) and the
// documented error bodies (400 with api_call_id and error_code; 401, 404, 405 without).

export interface ApiCall {
  api_call_id: string;
  api_call_unix: number;
}

export const NOT_FOUND_MESSAGE = "The requested item does not exist.";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly result: string,
    readonly errorCode?: string,
    /** A whole error body (e.g. a 402 payment failure), sent after the api_call fields. */
    readonly payload?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, errorCode = "E_INVALID_PARAMETER") =>
  new ApiError(400, message, "Error", errorCode);
export const notFound = (message = NOT_FOUND_MESSAGE) => new ApiError(404, message, "Not Found");
export const unauthorized = () => new ApiError(401, "The API key is missing, invalid or disabled.", "Unauthorized");
/** A 400 for an action the item's current state does not allow, naming that state. */
export const invalidState = (message: string) => new ApiError(400, message, "Error", "E_INVALID_STATUS");
/** 402: a payment attempt failed; `body` carries code 2-5, message, result and details. */
export const paymentFailed = (body: Record<string, unknown> & { message: string; result: string }) =>
  new ApiError(402, body.message, body.result, undefined, body);
export const methodNotAllowed = (method: string, path: string) =>
  new ApiError(
    405,
    `Method ${method} is not allowed for ${path}. Only GET and POST requests are accepted.`,
    "Method Not Allowed",
  );

export function errorBody(err: ApiError, call: ApiCall): Record<string, unknown> {
  if (err.payload) return { ...call, ...err.payload };
  if (err.status === 400) {
    return {
      ...call,
      code: 0,
      error_code: err.errorCode ?? "E_INVALID_PARAMETER",
      message: err.message,
      result: err.result,
    };
  }
  return { code: 0, message: err.message, result: err.result };
}

const ENVELOPE_KEYS = new Set(["api_call_id", "api_call_unix", "code", "result"]);

/** Item fields that would clash with the envelope (e.g. a transaction's own `code`/`result`) are dropped. */
function withoutEnvelopeKeys(item: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) if (!ENVELOPE_KEYS.has(k)) out[k] = v;
  return out;
}

/** `{api_call_id, api_call_unix, code: 1, result: "Success", ...item}` */
export function itemBody(call: ApiCall, item: Record<string, unknown>): Record<string, unknown> {
  return { ...call, code: 1, result: "Success", ...withoutEnvelopeKeys(item) };
}

/** `{api_call_id, api_call_unix, code: 1, result: "Success", id, <idKey>: id, ...item}` */
export function savedBody(
  call: ApiCall,
  idKey: string,
  id: string,
  item?: Record<string, unknown>,
): Record<string, unknown> {
  return {
    ...call,
    code: 1,
    result: "Success",
    id,
    [idKey]: id,
    ...(item ? withoutEnvelopeKeys(item) : {}),
    ...(idKey === "id" ? {} : { [idKey]: id }),
  };
}

export interface Page<T> {
  results: T[];
  current_page: number;
  total_count: number;
  total_pages: number;
}

export function paginate<T>(items: T[], limit: number, page: number): Page<T> {
  const start = (page - 1) * limit;
  return {
    results: items.slice(start, start + limit),
    current_page: page,
    total_count: items.length,
    total_pages: Math.ceil(items.length / limit),
  };
}

/** `{api_call_id, api_call_unix, code: 1, current_count, current_page, results, total_count, total_pages}` */
export function listBody<T>(call: ApiCall, page: Page<T>): Record<string, unknown> {
  return {
    ...call,
    code: 1,
    current_count: page.results.length,
    current_page: page.current_page,
    results: page.results,
    total_count: page.total_count,
    total_pages: page.total_pages,
  };
}
