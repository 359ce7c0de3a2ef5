// Prices a sale body (product lines, shipping, tax, discounts, coupons) against the catalog, for
// CreateSale, pending sales and EstimateSale. Trial lines are priced but charged later.
import { num, round2 } from "./money.js";
import { DAY_SECONDS } from "../operations/operation.js";
import { badRequest } from "./responses.js";
import { isRecord } from "./schema.js";
import type { Item, Store } from "./store.js";

export interface PricedLine {
  product: Item;
  price: number;
  quantity: number;
  /** price x quantity */
  total: number;
  /** This line's share of the sale's discounts. */
  discount: number;
  trialDays: number;
  subscription: boolean;
  shippable: boolean;
}

interface PricedDiscount {
  name: string;
  description: string;
  discount_type: string;
  discount_value: number;
  amount: number;
  coupon_code?: string;
  coupon_id?: string;
}

export interface PricedSale {
  lines: PricedLine[];
  shipping: Record<string, unknown>[];
  tax: Record<string, unknown>[];
  discounts: PricedDiscount[];
  invalidCoupons: string[];
  subtotal: number;
  discounted: number;
  shippingTotal: number;
  taxTotal: number;
  /** products + shipping + tax, before discounts */
  original: number;
  /** Charged now: everything except trial lines. */
  chargeNow: number;
  /** Charged when trials end. */
  remaining: number;
}

const records = (v: unknown) => (Array.isArray(v) ? v.filter(isRecord) : []);

function findProduct(store: Store, ref: string): Item | undefined {
  const products = store.collection("products");
  return products.get(ref) ?? products.find((p) => p.sku === ref || p.internal_id === ref || p.name === ref);
}

function trialDaysOf(line: Record<string, unknown>, product: Item, now: number): number {
  if (typeof line.custom_trial_days === "number") return Math.max(0, line.custom_trial_days);
  if (typeof line.custom_trial_end_date === "string") {
    const end = Date.parse(line.custom_trial_end_date);
    if (Number.isNaN(end))
      throw badRequest(`product.custom_trial_end_date "${line.custom_trial_end_date}" is not a date`);
    return Math.max(1, Math.ceil((end / 1000 - now) / DAY_SECONDS));
  }
  return num(product.trial_days);
}

function discountAmount(type: unknown, value: number, base: number): number {
  return round2(type === "percent" ? (base * value) / 100 : value);
}

export function priceSale(
  store: Store,
  body: Record<string, unknown>,
  now: number,
  opts: { strictCoupons: boolean },
): PricedSale {
  const lines: PricedLine[] = records(body.product).map((line) => {
    const ref = String(line.id ?? "");
    const product = findProduct(store, ref);
    if (!product || product.enabled === false) throw badRequest(`The product "${ref}" is not valid.`, "E_NOT_VALID");
    const price = typeof line.price === "number" ? line.price : num(product.price);
    const quantity = typeof line.quantity === "number" ? Math.max(1, line.quantity) : 1;
    return {
      product,
      price,
      quantity,
      total: round2(price * quantity),
      discount: 0,
      trialDays: trialDaysOf(line, product, now),
      subscription: product.is_subscription === true,
      shippable: product.shippable === true,
    };
  });
  const subtotal = round2(lines.reduce((s, l) => s + l.total, 0));

  const discounts: PricedDiscount[] = [];
  const invalidCoupons: string[] = [];
  for (const c of records(body.coupon)) {
    const code = String(c.coupon_code ?? "");
    const coupon = store
      .collection("coupons")
      .find(
        (x) =>
          typeof x.coupon_code === "string" &&
          x.coupon_code.toLowerCase() === code.toLowerCase() &&
          x.enabled !== false,
      );
    if (!coupon) {
      if (opts.strictCoupons) throw badRequest(`The coupon_code "${code}" is not valid.`, "E_NOT_VALID");
      invalidCoupons.push(code);
      continue;
    }
    const value = num(coupon.discount_value);
    discounts.push({
      name: String(coupon.name ?? code),
      description: `Coupon ${code}`,
      discount_type: String(coupon.discount_type ?? "amount"),
      discount_value: value,
      amount: discountAmount(coupon.discount_type, value, subtotal),
      coupon_code: String(coupon.coupon_code),
      coupon_id: coupon.id,
    });
  }
  for (const d of records(body.discount)) {
    const value = num(d.discount_value);
    const type = d.discount_type === "percent" ? "percent" : "amount";
    discounts.push({
      name: String(d.name ?? "Discount"),
      description: String(d.description ?? ""),
      discount_type: type,
      discount_value: value,
      amount: discountAmount(type, value, subtotal),
    });
  }
  let discounted = round2(
    Math.min(
      subtotal,
      discounts.reduce((s, d) => s + d.amount, 0),
    ),
  );
  // Spread the discount over the lines in proportion; the last priced line takes the rounding.
  let left = discounted;
  const priced = lines.filter((l) => l.total > 0);
  priced.forEach((l, i) => {
    l.discount = i === priced.length - 1 ? round2(left) : round2(Math.min(l.total, (l.total * discounted) / subtotal));
    left = round2(left - l.discount);
  });
  if (!priced.length) discounted = 0;

  const shipping = records(body.shipping).map((s) => ({
    ...s,
    amount: s.free_shipping === true ? 0 : round2(num(s.amount)),
  }));
  const shippingTotal = round2(shipping.reduce((s, x) => s + x.amount, 0));
  const taxable = round2(subtotal - discounted);
  const tax = records(body.tax).map((t) => ({
    ...t,
    amount: typeof t.amount === "number" ? round2(t.amount) : round2((taxable * num(t.rate)) / 100),
  }));
  const taxTotal = round2(tax.reduce((s, x) => s + x.amount, 0));

  const trialTotal = round2(lines.filter((l) => l.trialDays > 0).reduce((s, l) => s + l.total - l.discount, 0));
  const original = round2(subtotal + shippingTotal + taxTotal);
  return {
    lines,
    shipping,
    tax,
    discounts,
    invalidCoupons,
    subtotal,
    discounted,
    shippingTotal,
    taxTotal,
    original,
    chargeNow: round2(original - discounted - trialTotal),
    remaining: trialTotal,
  };
}
