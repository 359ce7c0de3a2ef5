// Audit lines for the audit tests: a base line and a small trail with a known shape.
import type { AuditLine } from "../../src/audit/audit-log.js";

export function auditLine(overrides: Partial<AuditLine>): AuditLine {
  return {
    time: "2026-03-01T09:00:00.000Z",
    event: "intent",
    principal: "p-3f9a1c",
    profile: "operator",
    operation: "RefundTransaction",
    call: "aaaaaaaa-1111-4000-8000-000000000001",
    ...overrides,
  };
}

/**
 * A trail, oldest first: a refund that finished, a refused verification, a void whose outcome is
 * missing (the process died), and a refund that timed out.
 */
export const TRAIL: AuditLine[] = [
  auditLine({
    time: "2026-03-01T09:00:00.000Z",
    event: "intent",
    targets: { transaction_id: "txn001" },
    amount: 12.5,
    currency: "USD",
    confirmation: "elicit",
    idempotency_key: "idem-1",
  }),
  auditLine({ time: "2026-03-01T09:00:01.000Z", event: "outcome", outcome: "ok" }),
  auditLine({
    time: "2026-03-01T11:00:00.000Z",
    event: "guard",
    profile: "support",
    operation: "VerifyCustomer",
    targets: { customer_id: "cus001" },
    outcome: "verification_failed",
    call: "bbbbbbbb-2222-4000-8000-000000000002",
  }),
  auditLine({
    time: "2026-03-01T11:45:00.000Z",
    event: "intent",
    operation: "VoidTransaction",
    targets: { transaction_id: "txn002" },
    confirmation: "token",
    call: "cccccccc-3333-4000-8000-000000000003",
  }),
  auditLine({
    time: "2026-03-01T11:50:00.000Z",
    event: "intent",
    amount: 5,
    currency: "USD",
    confirmation: "off",
    call: "dddddddd-4444-4000-8000-000000000004",
  }),
  auditLine({
    time: "2026-03-01T11:50:02.000Z",
    event: "outcome",
    outcome: "timeout",
    call: "dddddddd-4444-4000-8000-000000000004",
  }),
];

/** The moment the command tests run at: an hour ago is 11:00. */
export const NOW = Date.parse("2026-03-01T12:00:00.000Z");
