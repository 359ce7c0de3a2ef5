// A small error taxonomy with stable string codes. Every error a user or model can act
// on is a RevCentError and becomes an isError tool result; anything else is a bug and is thrown.
// Messages are ours: an upstream body is never pasted, only its short documented fields.
import { maskCardNumbers } from "../secrets/card-numbers.js";
import { stripHidden } from "../secrets/hidden-text.js";

/**
 * Every stable error code and what it means to whoever reads the error; the API guide resource
 * (revcent://guide) lists them from here.
 */
export const ERROR_CODES = {
  invalid_arguments: "Our validation refused the input before any request; the message names the field and what is allowed.",
  operation_not_allowed: "The session's policy does not offer this operation.",
  bad_request: "RevCent answered 400 (body code 0): the request is wrong; the message says why, often naming the field.",
  unauthorized: "RevCent answered 401: the API key is missing, invalid or disabled.",
  payment_declined: "402 with body code 2: the gateway declined the payment.",
  gateway_error: "402 with body code 3: the gateway returned an error.",
  gateway_hold: "402 with body code 4: the gateway held the transaction.",
  fraud_detected: "402 with body code 5: Sentinel or a third-party service flagged the request as fraud.",
  not_found: "RevCent answered 404: no such item.",
  method_not_allowed: "RevCent answered 405: the method is not allowed on that path.",
  rate_limited: "RevCent answered 429: wait (the error says how long) and try again.",
  upstream_error: "RevCent answered 5xx: an error on RevCent's side; reads are retried, writes are not.",
  duplicate_request: "RevCent rejected a repeated idempotency key: an earlier attempt of this call was received; check before repeating it.",
  timeout: "The deadline passed before RevCent answered; a write may or may not have happened.",
  cancelled: "The MCP client cancelled the call.",
  network_error: "RevCent could not be reached (connection refused or reset, DNS).",
  malformed_response: "RevCent's answer was not usable JSON (HTML, truncated).",
  response_too_large: "RevCent's answer was over the size cap; narrow the request (limit, dates, fields).",
  redirect_refused: "RevCent redirected the request; redirects are never followed, so the key stays on its origin.",
  verification_required: "The guard: the record's customer is not verified in this conversation (also the answer for an unknown id).",
  verification_failed: "The guard: VerifyCustomer did not match, or verification is locked for a while.",
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface RevCentErrorDetails {
  status?: number;
  /** RevCent's body `code` (0 error, 2 declined, 3 gateway error, 4 hold, 5 fraud). */
  revcentCode?: number;
  /** RevCent's `error_code`, e.g. E0037. */
  errorCode?: string;
  /** The field the error is about, where known. */
  field?: string;
  /** Seconds to wait before trying again (429). */
  retryAfterSeconds?: number;
  /** The request never left this process (e.g. connection refused): nothing can have happened. */
  notSent?: boolean;
  /** A change that may or may not have been carried out: check before repeating it. */
  outcomeUnknown?: boolean;
}

export class RevCentError extends Error {
  override name = "RevCentError";
  readonly code: ErrorCode;
  readonly details: RevCentErrorDetails;

  constructor(code: ErrorCode, message: string, details: RevCentErrorDetails = {}) {
    super(message);
    this.code = code;
    this.details = details;
  }

  toJSON() {
    return { code: this.code, message: this.message, ...this.details };
  }
}

const PAYMENT_CODES: Record<number, ErrorCode> = {
  2: "payment_declined",
  3: "gateway_error",
  4: "gateway_hold",
  5: "fraud_detected",
};

const MAX_UPSTREAM_TEXT = 200;

/** Maps a non-2xx RevCent answer (status + parsed body, if any) to a typed error. */
export function errorFromResponse(status: number, body: unknown, retryAfterSeconds?: number): RevCentError {
  const b = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const revcentCode = typeof b.code === "number" ? b.code : undefined;
  const errorCode = typeof b.error_code === "string" ? shortText(b.error_code, 32) : undefined;
  const upstreamMessage = typeof b.message === "string" ? shortText(b.message, MAX_UPSTREAM_TEXT) : undefined;
  const details: RevCentErrorDetails = { status };
  if (revcentCode !== undefined) details.revcentCode = revcentCode;
  if (errorCode) details.errorCode = errorCode;
  const say = (fallback: string) => upstreamMessage ?? fallback;

  if (status === 402) {
    const code = (revcentCode !== undefined && PAYMENT_CODES[revcentCode]) || "payment_declined";
    const gateway = gatewayReason(b.gateway_raw_response);
    const base = code === "fraud_detected" ? "Payment not processed: RevCent flagged it as fraud." : say("The payment failed.");
    return new RevCentError(code, gateway ? `${base} Gateway says: ${gateway}` : base, details);
  }
  if (status === 400) {
    if (isDuplicateKey(upstreamMessage, errorCode)) {
      return new RevCentError("duplicate_request", say("RevCent rejected a repeated idempotency key."), details);
    }
    const field = fieldNamed(upstreamMessage);
    if (field) details.field = field;
    return new RevCentError("bad_request", say("RevCent rejected the request."), details);
  }
  if (status === 401) return new RevCentError("unauthorized", "RevCent rejected the API key: it is missing, invalid or disabled.", details);
  if (status === 404) return new RevCentError("not_found", say("The requested item does not exist."), details);
  if (status === 405) return new RevCentError("method_not_allowed", "RevCent does not allow this method on this path.", details);
  if (status === 429) {
    if (retryAfterSeconds !== undefined) details.retryAfterSeconds = retryAfterSeconds;
    return new RevCentError("rate_limited", "RevCent is rate limiting this API key; try again later.", details);
  }
  if (status >= 500) return new RevCentError("upstream_error", `RevCent had an internal error (HTTP ${status}).`, details);
  return new RevCentError("bad_request", say(`RevCent answered HTTP ${status}.`), details);
}

/**
 * A V1 answer that is not a success. V1 reports its outcome in the body's `code` (0 error, 1
 * success, 2-5 as in V2), with HTTP 200 as often as not; transport-level statuses (401, 429, 5xx)
 * still decide first.
 */
export function errorFromV1Response(status: number, body: unknown, retryAfterSeconds?: number): RevCentError {
  const code = typeof body === "object" && body !== null ? (body as Record<string, unknown>).code : undefined;
  if (status === 401 || status === 429 || status >= 500 || typeof code !== "number") return errorFromResponse(status, body, retryAfterSeconds);
  // The V2 status that carries the same body code, so both APIs' errors read alike.
  const mapped = errorFromResponse(PAYMENT_CODES[code] ? 402 : 400, body);
  const { status: _v2Status, ...details } = mapped.details;
  return new RevCentError(mapped.code, mapped.message, status >= 200 && status < 300 ? details : { ...details, status });
}

function gatewayReason(raw: unknown): string | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const text = r.responsetext ?? r.response_text ?? r.message;
  return typeof text === "string" && text.trim() ? shortText(text, 120) : undefined;
}

/**
 * RevCent saying it saw this idempotency key before: the key named, and its reuse stated. A
 * message that merely names the key ("Unknown parameter: idempotency_key", "idempotency_key must
 * be 10 to 255 characters") is a refusal of the request, and nothing reached RevCent's records.
 */
function isDuplicateKey(message: string | undefined, errorCode: string | undefined): boolean {
  const text = `${message ?? ""} ${errorCode ?? ""}`;
  return /idempoten/i.test(text) && /duplicate|already|reuse|repeat|match(es|ed)? (an? )?(existing|previous)|was (seen|found)/i.test(message ?? "");
}

/** RevCent messages often name the offending property; surface it for the model. */
function fieldNamed(message: string | undefined): string | undefined {
  const m = /\b([a-z]+(?:_[a-z0-9]+)+|limit|page|amount|email)\b/.exec(message ?? "");
  return m?.[1];
}

/**
 * Upstream text is data: keep it short, printable, on one line, and free of hidden characters.
 * Card numbers are masked before cutting: a cut through one would leave digits no brand's length
 * matches, and so unmasked.
 */
export function shortText(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const clean = maskCardNumbers(stripHidden(text)).replace(/[\u0000-\u001f\u007f-\u009f]/g, " ").replace(/\s+/g, " ").trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}
