// The audit trail's line and where lines go. A write is recorded twice: its intent, before
// anything is sent, and its outcome after; a process killed in between leaves the intent, so the
// operator sees what may have happened. Lines carry ids, amounts and hashes, never secrets, card
// data or personal data beyond ids; every sink stores a line through redactAuditLine (redact.ts),
// which keeps only these fields, drops targets that are not ids and masks card numbers, in case a
// caller slips.

export type AuditEvent =
  /** A write about to be sent upstream. */
  | "intent"
  /** What became of it: ok, or an error code (unknown outcomes included). */
  | "outcome"
  /** A guard decision: a verification, or a refusal of a guarded call. */
  | "guard"
  /** A money rule's decision before anything was sent: confirmation asked, declined, limit exceeded. */
  | "decision";

export interface AuditLine {
  /** ISO 8601. */
  time: string;
  event: AuditEvent;
  /** A hash of who authenticated (never the key or token), hashed by the caller; sinks store it as given. */
  principal: string;
  profile: string;
  /** The conversation (transport session), when there is one. */
  session?: string;
  operation: string;
  /**
   * The ids the call names (path ids, customer_id …). Names and values are letters, digits, `_` and
   * `-`, at most 64 of them; an entry that is not is dropped when stored.
   */
  targets?: Record<string, string>;
  amount?: number;
  currency?: string;
  /** How a human confirmed: elicit, token, off (not asked), or none needed. */
  confirmation?: "elicit" | "token" | "off";
  /** ok, or the error code. */
  outcome?: string;
  idempotency_key?: string;
  /** Joins an intent with its outcome (and with decisions about the same call). */
  call: string;
}

export interface AuditSink {
  /**
   * Records a line. When this resolves the line survives the process being killed (file: written to
   * the kernel, intents also fsynced; Redis: held by the server). A rejection means the line may not
   * be recorded: for an intent, the caller decides whether the write may still be sent.
   */
  write(line: AuditLine): Promise<void>;
  close(): Promise<void>;
}
