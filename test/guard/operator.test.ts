// The operator profile with the guard switched on (--guard verification --toolsets all): the
// families beyond the support list, money-moving actions, and credentials in gateway and SMTP
// results. RevCent's credential-bearing answers are played by the sandbox's fault injector (the
// sandbox itself never stores credentials), exactly as RevCent would send them.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  JANE,
  OPERATOR_GUARDED,
  REFUSAL_TEXT,
  SEED_IDS,
  UNKNOWN_ID,
  connect,
  expectRefusal,
  newSandbox,
  saleFor,
  seedIdFor,
  seededCustomer,
  upstream,
  type Bot,
  type Sandbox,
} from "./harness.js";

const SECRET_VALUES = [
  "gw-secret-9f3a",
  "sk_live_abc",
  "hunter2-smtp-password",
  "LOGIN-7F3Q",
  "TXKEY-9Z8Y",
  "smtp-field-secret",
];

let sandbox: Sandbox;
let bot: Bot;
beforeAll(async () => {
  sandbox = await newSandbox();
  bot = await connect(sandbox, { args: OPERATOR_GUARDED });
});
afterAll(async () => {
  await bot?.close();
  await sandbox?.close();
});
afterEach(() => sandbox.faults.clear());

const gateway = (id: string) => ({
  id,
  name: "Main MID",
  description: "Authorize.net production",
  enabled: true,
  site_gateway_id: seedIdFor("site_gateway_id", 0),
  password: "gw-secret-9f3a",
  api_key: "sk_live_abc",
  fields: [
    { id: "api_login_id", value: "LOGIN-7F3Q" },
    { id: "transaction_key", value: "TXKEY-9Z8Y" },
  ],
});

describe("credentials never come back", () => {
  it("[G-CREDENTIAL-RESULTS] GetUserGateway: a gateway's password, api_key and fields values are removed, the rest kept", async () => {
    const id = seedIdFor("user_gateway_id", 0);
    sandbox.faults.add({
      match: { operationId: "GetUserGateway" },
      fault: { kind: "status", status: 200, body: { code: 1, result: "Success", ...gateway(id) } },
    });
    const r = await bot.call("GetUserGateway", { user_gateway_id: id });
    expect(r.isError, r.text).toBe(false);
    for (const secret of SECRET_VALUES) expect(r.text + JSON.stringify(r.raw), secret).not.toContain(secret);
    expect(r.data).not.toHaveProperty("password");
    expect(r.data).not.toHaveProperty("api_key");
    expect(r.data).not.toHaveProperty("fields");
    expect(r.data).toMatchObject({ id, name: "Main MID", description: "Authorize.net production", enabled: true });
    expect(bot.stderr()).not.toMatch(/gw-secret-9f3a|sk_live_abc|TXKEY-9Z8Y/);
  });

  it("[G-CREDENTIAL-RESULTS] GetUserGateways: every listed gateway loses its credentials", async () => {
    const ids = [seedIdFor("user_gateway_id", 0), seedIdFor("user_gateway_id", 1)];
    sandbox.faults.add({
      match: { operationId: "GetUserGateways" },
      fault: {
        kind: "status",
        status: 200,
        body: { code: 1, current_count: 2, current_page: 1, total_count: 2, total_pages: 1, results: ids.map(gateway) },
      },
    });
    // Whole items: the summary view would leave the credential fields out whatever hygiene does.
    const r = await bot.call("GetUserGateways", {
      date_start: 1_700_000_000,
      date_end: 1_700_086_400,
      limit: 25,
      page: 1,
      fields: ["*"],
    });
    expect(r.isError, r.text).toBe(false);
    expect((r.data!.results as unknown[]).length).toBe(2);
    for (const secret of SECRET_VALUES) expect(r.text, secret).not.toContain(secret);
    for (const item of r.data!.results as Record<string, unknown>[])
      expect(Object.keys(item).sort()).toEqual(["description", "enabled", "id", "name", "site_gateway_id"]);
  });

  it("[G-CREDENTIAL-RESULTS] GetSMTPProfile: password, smtp_password and api_key are removed", async () => {
    const id = seedIdFor("smtp_profile_id", 0);
    sandbox.faults.add({
      match: { operationId: "GetSMTPProfile" },
      fault: {
        kind: "status",
        status: 200,
        body: {
          code: 1,
          result: "Success",
          id,
          name: "Mailer",
          host: "smtp.example.com",
          port: 587,
          password: "hunter2-smtp-password",
          smtp_password: "hunter2-smtp-password",
          api_key: "sk_live_abc",
        },
      },
    });
    const r = await bot.call("GetSMTPProfile", { smtp_profile_id: id });
    expect(r.isError, r.text).toBe(false);
    for (const secret of SECRET_VALUES) expect(r.text, secret).not.toContain(secret);
    expect(r.data).toMatchObject({ id, name: "Mailer", host: "smtp.example.com", port: 587 });
  });

  it("[G-CREDENTIAL-RESULTS] GetSMTPProfile: credentials sent as `fields` id/value pairs are removed as they are for gateways", async () => {
    const id = seedIdFor("smtp_profile_id", 0);
    sandbox.faults.add({
      match: { operationId: "GetSMTPProfile" },
      fault: {
        kind: "status",
        status: 200,
        body: {
          code: 1,
          result: "Success",
          id,
          name: "Mailer",
          fields: [{ id: "smtp_login", value: "smtp-field-secret" }],
        },
      },
    });
    const r = await bot.call("GetSMTPProfile", { smtp_profile_id: id });
    expect(r.isError, r.text).toBe(false);
    expect(r.text).not.toContain("smtp-field-secret");
  });
});

describe("the guard beyond the support list", () => {
  it("[G-OPERATOR-GUARD] customer cards, pending refunds, PayPal transactions and fraud detections: Jane's and unknown ids get the one refusal", async () => {
    const reads: [string, Record<string, string>][] = [
      ["GetCustomerCard", { customer_card_id: SEED_IDS.customerCard }],
      ["GetCustomerCard", { customer_card_id: UNKNOWN_ID("crd") }],
      ["GetPendingRefund", { pending_refund_id: UNKNOWN_ID("prf") }],
      ["GetPendingRefund", { pending_refund_id: seedIdFor("pending_refund_id", 0) }],
      ["GetPayPalTransaction", { paypal_transaction_id: UNKNOWN_ID("ppt") }],
      ["GetPayPalTransaction", { paypal_transaction_id: seedIdFor("paypal_transaction_id", 0) }],
      ["GetFraudDetection", { fraud_detection_id: UNKNOWN_ID("frd") }],
      ["GetFraudDetection", { fraud_detection_id: seedIdFor("fraud_detection_id", 0) }],
      ["GetCustomer", { customer_id: JANE.id }],
    ];
    for (const [tool, args] of reads) {
      const r = await bot.call(tool, args);
      expectRefusal(r, `${tool} ${JSON.stringify(args)}`);
    }
  });

  it("[G-OPERATOR-GUARD] SearchCustomerCards keeps no card digits, expiry or type for an unverified customer, and a verified one opens only their own card", async () => {
    // Card digits are no search term for a visitor (they would make the search an oracle for last 4).
    const byDigits = await bot.call("SearchCustomerCards", { search_term: JANE.last4 });
    expect(byDigits.text).toMatch(/^\[invalid_arguments\] .*search_term/);
    const page = await bot.ok("SearchCustomerCards", { search_term: JANE.id });
    const results = page.results as Record<string, unknown>[];
    expect(results.length).toBeGreaterThan(0);
    for (const item of results) {
      for (const key of ["first_6", "last_4", "expiry_date", "expiry_month", "expiry_year", "type"])
        expect(item, key).not.toHaveProperty(key);
    }
    const session = await connect(sandbox, { args: OPERATOR_GUARDED });
    try {
      await session.verify(JANE.id, "zip", JANE.zip);
      expect((await session.ok("GetCustomerCard", { customer_card_id: SEED_IDS.customerCard })).last_4).toBe(
        JANE.last4,
      );
      expectRefusal(await session.call("GetCustomerCard", { customer_card_id: seedIdFor("customer_card_id", 1) }));
    } finally {
      await session.close();
    }
  });

  it("[G-OPERATOR-GUARD] [G-PIVOT] refunds of another customer's transaction or product sale are refused and no money moves", async () => {
    const other = await seededCustomer(sandbox, 20);
    const items = await saleFor(sandbox, other.id);
    const session = await connect(sandbox, { args: OPERATOR_GUARDED });
    try {
      await session.verify(JANE.id, "email", JANE.email);
      const txBefore = await upstream(sandbox, "GET", `/transactions/${items.transaction}`);
      expect((await session.call("RefundTransaction", { transaction_id: items.transaction, amount: 1 })).text).toBe(
        REFUSAL_TEXT,
      );
      expect(
        (await session.call("RefundProductSale", { product_sale_id: items.productSales[0], amount: 1 })).text,
      ).toBe(REFUSAL_TEXT);
      expect((await session.call("GetProductSale", { product_sale_id: items.productSales[0] })).text).toBe(
        REFUSAL_TEXT,
      );
      expect(
        (await session.call("EditCustomer", { customer_id: other.id, customer: { email: "attacker@example.com" } }))
          .text,
      ).toBe(REFUSAL_TEXT);
      const txAfter = await upstream(sandbox, "GET", `/transactions/${items.transaction}`);
      expect(txAfter.amount_refunded).toBe(txBefore.amount_refunded);
      expect((await upstream(sandbox, "GET", `/customers/${other.id}`)).email).toBe(other.email);
    } finally {
      await session.close();
    }
  });
});
