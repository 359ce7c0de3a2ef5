// RevCent's error answers, V2 and V1, mapped to our error codes. Only the short documented fields of
// a body (code, error_code, message, a gateway's reason) are read, and each is cleaned first.
import { RevCentError, type ErrorCode, type RevCentErrorDetails } from "../errors.js";
import { shortText } from "../secrets/short-text.js";

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
    const base =
      code === "fraud_detected" ? "Payment not processed: RevCent flagged it as fraud." : say("The payment failed.");
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
  if (status === 401)
    return new RevCentError(
      "unauthorized",
      "RevCent rejected the API key: it is missing, invalid or disabled.",
      details,
    );
  if (status === 404) return new RevCentError("not_found", say("The requested item does not exist."), details);
  if (status === 405)
    return new RevCentError("method_not_allowed", "RevCent does not allow this method on this path.", details);
  if (status === 429) {
    if (retryAfterSeconds !== undefined) details.retryAfterSeconds = retryAfterSeconds;
    return new RevCentError("rate_limited", "RevCent is rate limiting this API key; try again later.", details);
  }
  if (status >= 500)
    return new RevCentError("upstream_error", `RevCent had an internal error (HTTP ${status}).`, details);
  return new RevCentError("bad_request", say(`RevCent answered HTTP ${status}.`), details);
}

/**
 * A V1 answer that is not a success. V1 reports its outcome in the body's `code` (0 error, 1
 * success, 2-5 as in V2), with HTTP 200 as often as not; transport-level statuses (401, 429, 5xx)
 * still decide first.
 */
export function errorFromV1Response(status: number, body: unknown, retryAfterSeconds?: number): RevCentError {
  const code = typeof body === "object" && body !== null ? (body as Record<string, unknown>).code : undefined;
  if (status === 401 || status === 429 || status >= 500 || typeof code !== "number")
    return errorFromResponse(status, body, retryAfterSeconds);
  // The V2 status that carries the same body code, so both APIs' errors read alike.
  const mapped = errorFromResponse(PAYMENT_CODES[code] ? 402 : 400, body);
  const { status: _v2Status, ...details } = mapped.details;
  return new RevCentError(
    mapped.code,
    mapped.message,
    status >= 200 && status < 300 ? details : { ...details, status },
  );
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
  return (
    /idempoten/i.test(text) &&
    /duplicate|already|reuse|repeat|match(es|ed)? (an? )?(existing|previous)|was (seen|found)/i.test(message ?? "")
  );
}

/** RevCent messages often name the offending property; surface it for the model. */
function fieldNamed(message: string | undefined): string | undefined {
  const m = /\b([a-z]+(?:_[a-z0-9]+)+|limit|page|amount|email)\b/.exec(message ?? "");
  return m?.[1];
}
