// A small error taxonomy with stable string codes. Every error a user or model can act
// on is a RevCentError and becomes an isError tool result; anything else is a bug and is thrown.
// Messages are ours: an upstream body is never pasted, only its short documented fields
// (client/upstream-errors.ts maps RevCent's answers to these).

/**
 * Every stable error code and what it means to whoever reads the error; the API guide resource
 * (revcent://guide) lists them from here.
 */
export const ERROR_CODES = {
  invalid_arguments:
    "Our validation refused the input before any request; the message names the field and what is allowed.",
  operation_not_allowed: "The session's policy does not offer this operation.",
  bad_request:
    "RevCent answered 400 (body code 0): the request is wrong; the message says why, often naming the field.",
  unauthorized: "RevCent answered 401: the API key is missing, invalid or disabled.",
  payment_declined: "402 with body code 2: the gateway declined the payment.",
  gateway_error: "402 with body code 3: the gateway returned an error.",
  gateway_hold: "402 with body code 4: the gateway held the transaction.",
  fraud_detected: "402 with body code 5: Sentinel or a third-party service flagged the request as fraud.",
  not_found: "RevCent answered 404: no such item.",
  method_not_allowed: "RevCent answered 405: the method is not allowed on that path.",
  rate_limited: "RevCent answered 429: wait (the error says how long) and try again.",
  upstream_error: "RevCent answered 5xx: an error on RevCent's side; reads are retried, writes are not.",
  duplicate_request:
    "RevCent rejected a repeated idempotency key: an earlier attempt of this call was received; check before repeating it.",
  timeout: "The deadline passed before RevCent answered; a write may or may not have happened.",
  cancelled: "The MCP client cancelled the call.",
  network_error: "RevCent could not be reached (connection refused or reset, DNS).",
  malformed_response: "RevCent's answer was not usable JSON (HTML, truncated).",
  response_too_large: "RevCent's answer was over the size cap; narrow the request (limit, dates, fields).",
  redirect_refused: "RevCent redirected the request; redirects are never followed, so the key stays on its origin.",
  verification_required:
    "The guard: the record's customer is not verified in this conversation (also the answer for an unknown id).",
  verification_failed: "The guard: VerifyCustomer did not match, or verification is locked for a while.",
  confirmation_required:
    "A call that moves money or cannot be undone waits for a person's confirmation; the message says what will happen and how to confirm. Nothing was sent.",
  cancelled_by_user: "The person declined or dismissed the confirmation; nothing was sent.",
  limit_exceeded:
    "The call would go over a limit the operator set (per call, per day, per customer, per hour); nothing was sent.",
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

/** A configuration a user can fix at start-up; the message is one line that says how. */
export class ConfigError extends Error {
  override name = "ConfigError";
}
