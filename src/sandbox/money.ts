// Amount arithmetic shared by sales, refunds and renewals. Every money-bearing item keeps
// amount_total = amount_original_total - (amount_refunded + amount_discounted).
import type { Item } from "./store.js";

export const round2 = (n: number) => Math.round(n * 100) / 100;

export const num = (v: unknown, fallback = 0): number => (typeof v === "number" && Number.isFinite(v) ? v : fallback);

/** The processor's fee on a captured amount (none on zero). */
export const feeOf = (captured: number) => (captured > 0 ? round2(captured * 0.029 + 0.3) : 0);

/** Amount fields of a new item (product sale, shipping, tax, sale) that captured `captured` now. */
export function amountFields(
  original: number,
  discounted: number,
  captured: number,
  fees = feeOf(captured),
): Record<string, number> {
  return {
    amount_original_total: round2(original),
    amount_discounted: round2(discounted),
    amount_total: round2(original - discounted),
    amount_captured: round2(captured),
    amount_settled: 0,
    amount_remaining: round2(original - discounted - captured),
    amount_refunded: 0,
    amount_gross: round2(captured),
    amount_fees: fees,
    amount_net: round2(captured - fees),
  };
}

/** What was captured on an item (older items without amount_captured: everything not remaining). */
function capturedOf(item: Item): number {
  if (typeof item.amount_captured === "number") return item.amount_captured;
  return round2(
    num(item.amount_original_total, num(item.amount)) - num(item.amount_discounted) - num(item.amount_remaining),
  );
}

/** What can still be refunded on an item; a transaction's own `amount` is what it charged. */
export function refundableOf(item: Item, isTransaction = false): number {
  const base = isTransaction ? (item.approved === false ? 0 : num(item.amount)) : capturedOf(item);
  return round2(Math.max(0, base - num(item.amount_refunded)));
}

/** The item's amount fields after refunding `amount`; `void` when nothing refundable remains. */
export function refundedFields(item: Item, amount: number, isTransaction = false): Record<string, unknown> {
  const refunded = round2(num(item.amount_refunded) + amount);
  const gross = round2(Math.max(0, num(item.amount_gross) - amount));
  const out: Record<string, unknown> = {
    amount_refunded: refunded,
    amount_total: round2(
      num(item.amount_original_total, num(item.amount)) - refunded - (isTransaction ? 0 : num(item.amount_discounted)),
    ),
    amount_gross: gross,
    amount_net: round2(gross - num(item.amount_fees)),
  };
  out.void = refundableOf({ ...item, amount_refunded: refunded } as Item, isTransaction) <= 0;
  return out;
}
