// Deterministic commerce data: campaigns, products, customers with cards, and sales with their
// transactions, subscriptions, trials and shipments, all cross-linked. Transactions carry only
// fields of the official GetTransactions item schema.
import { SEED_IDS, seedIdFor } from "./seed-ids.js";
import { nestedCustomer } from "./shapes.js";
import type { Prng } from "./prng.js";
import type { Item, Store } from "./store.js";
import { DAY_SECONDS } from "../operations/operation.js";

export interface SeedContext {
  store: Store;
  rng: Prng;
  /** Clock at start, unix seconds. */
  now: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

const FIRST_NAMES = [
  "John",
  "Maria",
  "Wei",
  "Aisha",
  "Carlos",
  "Emma",
  "Liam",
  "Olivia",
  "Noah",
  "Sofia",
  "Lucas",
  "Mia",
  "Ethan",
  "Amara",
  "Mateo",
  "Chloe",
  "Hiro",
  "Zara",
  "Omar",
  "Grace",
];
const LAST_NAMES = [
  "Smith",
  "Garcia",
  "Chen",
  "Khan",
  "Rossi",
  "Johnson",
  "Brown",
  "Nguyen",
  "Martin",
  "Lopez",
  "Kim",
  "Walker",
  "Patel",
  "Silva",
  "Novak",
  "Taylor",
  "Moreau",
  "Okafor",
  "Ito",
  "Young",
];
const STREETS = ["Main St", "Oak Ave", "Maple Dr", "Cedar Ln", "Pine St", "Elm St", "Lake Rd", "Hill Ct"];
const PLACES: [city: string, state: string, zip: string][] = [
  ["Austin", "TX", "73301"],
  ["Denver", "CO", "80202"],
  ["Seattle", "WA", "98101"],
  ["Miami", "FL", "33101"],
  ["Chicago", "IL", "60601"],
  ["Boston", "MA", "02108"],
  ["Phoenix", "AZ", "85001"],
  ["Portland", "OR", "97201"],
];
const SOURCES = ["facebook", "google", "newsletter", "organic"];
const CARD_TYPES: [type: string, first6: string][] = [
  ["visa", "411111"],
  ["mastercard", "555555"],
  ["amex", "378282"],
  ["discover", "601111"],
];

interface Product {
  id: string;
  name: string;
  sku: string;
  price: number;
  shippable: boolean;
  subscription: boolean;
  trialDays: number;
}
const PRODUCTS: Product[] = [
  {
    id: SEED_IDS.product,
    name: "Sandbox T-Shirt",
    sku: "SHIRT-001",
    price: 19.99,
    shippable: true,
    subscription: false,
    trialDays: 0,
  },
  {
    id: SEED_IDS.productMembership,
    name: "Premium Membership",
    sku: "MEMBER-001",
    price: 9.99,
    shippable: false,
    subscription: true,
    trialDays: 0,
  },
  {
    id: SEED_IDS.productTrial,
    name: "Trial Box",
    sku: "TRIAL-001",
    price: 29.99,
    shippable: true,
    subscription: false,
    trialDays: 14,
  },
  {
    id: seedIdFor("product_id", 3),
    name: "Coffee Mug",
    sku: "MUG-001",
    price: 12.5,
    shippable: true,
    subscription: false,
    trialDays: 0,
  },
  {
    id: seedIdFor("product_id", 4),
    name: "Hoodie",
    sku: "HOODIE-001",
    price: 39.99,
    shippable: true,
    subscription: false,
    trialDays: 0,
  },
  {
    id: seedIdFor("product_id", 5),
    name: "E-Book",
    sku: "EBOOK-001",
    price: 7.99,
    shippable: false,
    subscription: false,
    trialDays: 0,
  },
];
const CAMPAIGNS = [
  { id: SEED_IDS.campaign, name: "Main Campaign" },
  { id: seedIdFor("campaign_id", 1), name: "Facebook Ads" },
  { id: seedIdFor("campaign_id", 2), name: "Google Ads" },
];
const USER_GATEWAY = { id: seedIdFor("user_gateway_id", 0), name: "User Gateway 1" };
const SITE_GATEWAY = { id: seedIdFor("site_gateway_id", 0), name: "Site Gateway 1" };
const SUBSCRIPTION_PROFILE = { id: seedIdFor("subscription_profile_id", 0), name: "Subscription Profile 1" };

const CUSTOMER_COUNT = 30;
const SALE_COUNT = 40;

function seedCatalog({ store, now }: SeedContext): void {
  CAMPAIGNS.forEach((c, i) => {
    const at = now - 59 * DAY_SECONDS - i * 3600;
    store
      .collection("campaigns")
      .insert({ id: c.id, created_date_unix: at, updated_date_unix: at, name: c.name, enabled: true, metadata: [] });
  });
  PRODUCTS.forEach((p, i) => {
    const at = now - 58 * DAY_SECONDS - i * 3600;
    store.collection("products").insert({
      id: p.id,
      created_date_unix: at,
      updated_date_unix: at,
      name: p.name,
      sku: p.sku,
      internal_id: p.sku.toLowerCase(),
      description: `${p.name} (sandbox product)`,
      price: p.price,
      iso_currency: "USD",
      enabled: true,
      shippable: p.shippable,
      is_subscription: p.subscription,
      ...(p.subscription ? { renewal_interval_days: 30 } : {}),
      ...(p.trialDays ? { trial_days: p.trialDays } : {}),
      metadata: [{ name: "category", value: p.shippable ? "physical" : "digital" }],
    });
  });
  const coupons = [
    { code: SEED_IDS.couponCode, name: "10% off", discount_type: "percent", discount_value: 10 },
    { code: "FIVEOFF", name: "$5 off", discount_type: "amount", discount_value: 5 },
  ];
  coupons.forEach((c, i) => {
    const at = now - 57 * DAY_SECONDS;
    store.collection("coupons").insert({
      id: seedIdFor("coupon_id", i),
      created_date_unix: at,
      updated_date_unix: at,
      coupon_code: c.code,
      name: c.name,
      discount_type: c.discount_type,
      discount_value: c.discount_value,
      enabled: true,
      valid: true,
    });
  });
}

function seedCustomers({ store, rng, now }: SeedContext): void {
  for (let i = 0; i < CUSTOMER_COUNT; i++) {
    const jane = i === 0;
    const first = jane ? "Jane" : rng.pick(FIRST_NAMES);
    const last = jane ? "Doe" : rng.pick(LAST_NAMES);
    const [city, state, zip] = jane ? ["Beverly Hills", "CA", "90210"] : rng.pick(PLACES);
    const campaign = jane ? CAMPAIGNS[0]! : rng.pick(CAMPAIGNS);
    const at = jane ? now - 30 * DAY_SECONDS : now - rng.int(5 * DAY_SECONDS, 59 * DAY_SECONDS);
    const id = seedIdFor("customer_id", i);
    store.collection("customers").insert({
      id,
      created_date_unix: at,
      updated_date_unix: at,
      first_name: first,
      last_name: last,
      email: jane ? "jane.doe@example.com" : `${first}.${last}${i}@example.com`.toLowerCase(),
      phone: jane ? "3105550100" : `555${rng.digits(7)}`,
      company: "",
      address_line_1: jane ? "123 Sunset Blvd" : `${rng.int(10, 9999)} ${rng.pick(STREETS)}`,
      address_line_2: "",
      city,
      state,
      zip,
      country: "USA",
      internal_id: `cus_${1000 + i}`,
      blocked: false,
      enabled: true,
      campaign_id: campaign.id,
      campaign_name: campaign.name,
      metadata: jane
        ? [
            { name: "source", value: "newsletter" },
            { name: "vip", value: "true" },
          ]
        : [{ name: "source", value: rng.pick(SOURCES) }],
      sales: [],
      transactions: [],
      subscriptions: [],
      trials: [],
      shipping: [],
    });
    const [type, first6] = jane ? CARD_TYPES[0]! : rng.pick(CARD_TYPES);
    const month = jane ? "04" : String(rng.int(1, 12)).padStart(2, "0");
    const year = jane ? "29" : String(rng.int(27, 31));
    store.collection("customer_cards").insert({
      id: seedIdFor("customer_card_id", i),
      created_date_unix: at,
      updated_date_unix: at,
      customer_id: id,
      type,
      first_6: first6,
      last_4: jane ? "4242" : rng.digits(4),
      expiry_date: `${month}/${year}`,
      expiry_month: month,
      expiry_year: year,
      is_default: true,
      enabled: true,
    });
  }
}

function push(item: Item, field: string, id: string): void {
  (item[field] as string[]).push(id);
}

function seedSales(ctx: SeedContext): void {
  const { store, rng, now } = ctx;
  const customers = store.collection("customers");
  for (let i = 0; i < SALE_COUNT; i++) {
    const jane = i === 0;
    const customer = customers.get(seedIdFor("customer_id", jane ? 0 : rng.int(1, CUSTOMER_COUNT - 1)))!;
    const card = store.collection("customer_cards").find((c) => c.customer_id === customer.id)!;
    const lines = jane
      ? [PRODUCTS[0]!, PRODUCTS[1]!, PRODUCTS[2]!].map((p) => ({ p, qty: 1 }))
      : [...new Set([rng.pick(PRODUCTS), ...(rng.chance(0.4) ? [rng.pick(PRODUCTS)] : [])])].map((p) => ({
          p,
          qty: rng.int(1, 2),
        }));
    const at = jane ? now - 3 * DAY_SECONDS : rng.int(customer.created_date_unix + 600, now - 3600);
    const refunded = !jane && i % 13 === 0;
    const ids = {
      sale: jane ? SEED_IDS.sale : seedIdFor("sale_id", i),
      transaction: jane ? SEED_IDS.transaction : seedIdFor("transaction_id", i),
    };
    const trialAmount = round2(lines.filter((l) => l.p.trialDays).reduce((s, l) => s + l.p.price * l.qty, 0));
    const productsTotal = round2(lines.reduce((s, l) => s + l.p.price * l.qty, 0));
    const shippable = lines.some((l) => l.p.shippable);
    const shippingAmount = shippable ? 4.99 : 0;
    const original = round2(productsTotal + shippingAmount);
    const charged = round2(original - trialAmount);
    const campaign = { id: customer.campaign_id as string, name: customer.campaign_name as string };
    const metadata = jane
      ? [
          { name: "source", value: "newsletter" },
          { name: "landing_page", value: "v2" },
        ]
      : [
          { name: "source", value: rng.pick(SOURCES) },
          ...(rng.chance(0.5) ? [{ name: "landing_page", value: rng.pick(["v1", "v2"]) }] : []),
        ];
    const nested = nestedCustomer(customer);
    const common = {
      customer: nested,
      customer_id: customer.id,
      campaign_id: campaign.id,
      campaign_name: campaign.name,
      iso_currency: "USD",
    };

    const related = { shipping: [] as string[], subscriptions: [] as string[], trials: [] as string[] };
    if (shippable) {
      const id = jane ? SEED_IDS.shipment : seedIdFor("shipping_id", i);
      const age = now - at;
      const status = age > 7 * DAY_SECONDS ? "Delivered" : age > 2 * DAY_SECONDS ? "Shipped" : "Pending";
      store.collection("shipping").insert({
        id,
        created_date_unix: at,
        updated_date_unix: at,
        ...common,
        sale_id: ids.sale,
        sales: [ids.sale],
        transactions: [ids.transaction],
        name: "Standard Shipping",
        amount: shippingAmount,
        amount_original_total: shippingAmount,
        amount_total: shippingAmount,
        amount_refunded: 0,
        products: lines
          .filter((l) => l.p.shippable)
          .map((l) => ({ product_id: l.p.id, name: l.p.name, sku: l.p.sku, quantity: l.qty })),
        provider: "usps",
        provider_method: "priority",
        provider_tracking: status === "Pending" ? "" : `9400${rng.digits(18)}`,
        status,
        ship_to: {
          first_name: customer.first_name,
          last_name: customer.last_name,
          address_line_1: customer.address_line_1,
          address_line_2: "",
          city: customer.city,
          state: customer.state,
          zip: customer.zip,
          country: customer.country,
        },
        metadata: [],
      });
      related.shipping.push(id);
    }
    for (const { p } of lines) {
      if (p.subscription) {
        const id = jane ? SEED_IDS.subscription : seedIdFor("subscription_id", i);
        const renewals = Math.floor((now - at) / (30 * DAY_SECONDS));
        const status = jane ? "Active" : rng.pick(["Active", "Active", "Active", "Suspended", "Cancelled"]);
        store.collection("subscriptions").insert({
          id,
          created_date_unix: at,
          updated_date_unix: at,
          ...common,
          sale_id: ids.sale,
          sales: [ids.sale],
          transactions: [ids.transaction],
          product: { id: p.id, name: p.name, sku: p.sku },
          product_id: p.id,
          amount: p.price,
          status,
          start_date_unix: at,
          renewal_interval_days: 30,
          renewal_count: renewals,
          next_renewal_date_unix: status === "Cancelled" ? null : at + (renewals + 1) * 30 * DAY_SECONDS,
          subscription_profile: SUBSCRIPTION_PROFILE,
          metadata: [],
        });
        related.subscriptions.push(id);
      }
      if (p.trialDays) {
        const id = jane ? SEED_IDS.trial : seedIdFor("trial_id", i);
        const end = at + p.trialDays * DAY_SECONDS;
        store.collection("trials").insert({
          id,
          created_date_unix: at,
          updated_date_unix: at,
          ...common,
          sale_id: ids.sale,
          sales: [ids.sale],
          product: { id: p.id, name: p.name, sku: p.sku },
          product_id: p.id,
          amount: p.price,
          num_days: p.trialDays,
          start_date_unix: at,
          end_date_unix: end,
          status: end > now ? "Active" : "Expired",
          metadata: [],
        });
        related.trials.push(id);
      }
    }

    const refundedAmount = refunded ? charged : 0;
    const settled = now - at > 3 * DAY_SECONDS;
    store.collection("sales").insert({
      id: ids.sale,
      created_date_unix: at,
      updated_date_unix: at,
      ...common,
      status: refunded ? "Refunded" : "Fully Captured",
      payment_type: "credit_card",
      customer_card_id: card.id,
      products: lines.map((l) => ({
        product_id: l.p.id,
        name: l.p.name,
        sku: l.p.sku,
        price: l.p.price,
        quantity: l.qty,
      })),
      amount_original_total: original,
      amount_total: round2(original - refundedAmount),
      amount_captured: charged,
      amount_refunded: refundedAmount,
      amount_remaining: trialAmount,
      void: refunded,
      transactions: [ids.transaction],
      ...related,
      product_sales: [],
      tax: [],
      discounts: [],
      metadata,
    });
    store.collection("transactions").insert(
      transaction(ctx, {
        id: ids.transaction,
        at,
        customer,
        card,
        campaign,
        amount: charged,
        original,
        refunded: refundedAmount,
        settled,
        remaining: trialAmount,
        approved: true,
        subscription: related.subscriptions.length > 0,
        sale: ids.sale,
        related,
        metadata,
      }),
    );
    const c = customers.get(customer.id)!;
    push(c, "sales", ids.sale);
    push(c, "transactions", ids.transaction);
    for (const k of ["shipping", "subscriptions", "trials"] as const) for (const id of related[k]) push(c, k, id);
    customers.replace(c);
  }
  // A few declined attempts, not attached to a sale.
  for (let i = 0; i < 3; i++) {
    const customer = customers.get(seedIdFor("customer_id", rng.int(1, CUSTOMER_COUNT - 1)))!;
    const card = store.collection("customer_cards").find((c) => c.customer_id === customer.id)!;
    const id = seedIdFor("transaction_id", SALE_COUNT + i);
    const at = rng.int(now - 50 * DAY_SECONDS, now - 3600);
    store.collection("transactions").insert(
      transaction(ctx, {
        id,
        at,
        customer,
        card,
        campaign: { id: customer.campaign_id as string, name: customer.campaign_name as string },
        amount: 19.99,
        original: 19.99,
        refunded: 0,
        settled: false,
        remaining: 0,
        approved: false,
        subscription: false,
        related: { shipping: [], subscriptions: [], trials: [] },
        metadata: [],
      }),
    );
    const c = customers.get(customer.id)!;
    push(c, "transactions", id);
    customers.replace(c);
  }
}

interface TransactionSeed {
  id: string;
  at: number;
  customer: Item;
  card: Item;
  campaign: { id: string; name: string };
  amount: number;
  original: number;
  refunded: number;
  settled: boolean;
  remaining: number;
  approved: boolean;
  subscription: boolean;
  sale?: string;
  related: { shipping: string[]; subscriptions: string[]; trials: string[] };
  metadata: { name: string; value: string }[];
}

function transaction({ rng }: SeedContext, t: TransactionSeed): Item {
  const gross = t.approved ? round2(t.amount - t.refunded) : 0;
  const fees = t.approved ? round2(t.amount * 0.029 + 0.3) : 0;
  const gatewayTxn = rng.digits(10);
  const phrase = t.approved ? "SUCCESS" : "Insufficient funds";
  return {
    id: t.id,
    created_date_unix: t.at,
    updated_date_unix: t.at,
    amount: t.amount,
    amount_original_total: t.original,
    amount_total: round2(t.original - t.refunded),
    amount_gross: gross,
    amount_net: round2(gross - fees),
    amount_fees: fees,
    amount_captured: t.approved && !t.settled ? gross : 0,
    amount_settled: t.approved && t.settled ? gross : 0,
    amount_remaining: t.remaining,
    amount_refunded: t.refunded,
    approved: t.approved,
    declined: !t.approved,
    error: false,
    held: false,
    captured: t.approved,
    settled: t.approved && t.settled,
    void: t.approved && t.refunded > 0 && t.refunded >= t.amount,
    code: t.approved ? 1 : 2,
    result: t.approved ? "Approved" : "Declined",
    campaign_id: t.campaign.id,
    campaign_name: t.campaign.name,
    customer: nestedCustomer(t.customer),
    customer_card: {
      id: t.card.id,
      type: t.card.type,
      first_6: t.card.first_6,
      last_4: t.card.last_4,
      expiry_date: t.card.expiry_date,
      expiry_month: t.card.expiry_month,
      expiry_year: t.card.expiry_year,
      is_default: t.card.is_default,
      created_date_unix: t.card.created_date_unix,
      updated_date_unix: t.card.updated_date_unix,
    },
    gateway_auth_code: t.approved ? rng.digits(6) : "",
    gateway_avs_result_code: "Y",
    gateway_cvv_result_code: "M",
    gateway_cavv_result_code: "",
    gateway_details: { user_gateway: USER_GATEWAY, site_gateway: SITE_GATEWAY },
    gateway_id: USER_GATEWAY.id,
    gateway_name: USER_GATEWAY.name,
    gateway_raw_response: JSON.stringify({
      response: t.approved ? "1" : "2",
      responsetext: phrase,
      transactionid: gatewayTxn,
    }),
    gateway_result_phrase: phrase,
    gateway_transaction_id: gatewayTxn,
    has_salvage: false,
    is_payment_profile: false,
    is_refund: false,
    is_salvage: false,
    is_subscription: t.subscription,
    is_subscription_renewal: false,
    iso_currency: "USD",
    live_mode: false,
    merchant_account_id: "sandbox-merchant-1",
    request_type: "sale",
    request_method: "sale_create",
    sale_initial: t.sale !== undefined,
    metadata: t.metadata,
    sales: t.sale ? [t.sale] : [],
    product_sales: [],
    shipping: t.related.shipping,
    tax: [],
    discounts: [],
    trials: t.related.trials,
    subscriptions: t.related.subscriptions,
    chargebacks: [],
  };
}

/** Seeds the commerce collections; returns their names. */
export function seedCommerce(ctx: SeedContext): string[] {
  seedCatalog(ctx);
  seedCustomers(ctx);
  seedSales(ctx);
  return [
    "campaigns",
    "products",
    "coupons",
    "customers",
    "customer_cards",
    "sales",
    "transactions",
    "subscriptions",
    "trials",
    "shipping",
  ];
}
