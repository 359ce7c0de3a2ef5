// What a support bot is offered and what it can pass: the tool list, the refusal of everything
// else, closed schemas, and verification handles that cannot be forged.
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SERVER_ENTRY } from "../helpers/stdio-client.js";
import {
  JANE,
  REFUSAL_TEXT,
  SANDBOX_KEY,
  SEED_IDS,
  connect,
  countUpstream,
  expectRefusal,
  newSandbox,
  seededCustomer,
  type Bot,
  type Sandbox,
} from "./harness.js";

const CUSTOMER_FACING = [
  "SearchCustomers",
  "GetCustomer",
  "SearchSales",
  "GetSale",
  "SearchTransactions",
  "GetTransaction",
  "SearchSubscriptions",
  "GetSubscription",
  "SearchTrials",
  "GetTrial",
  "SearchShipping",
  "GetShipment",
  "CancelSubscription",
  "CancelTrial",
  "CreateNote",
];

let sandbox: Sandbox;
let bot: Bot;
beforeAll(async () => {
  sandbox = await newSandbox();
  bot = await connect(sandbox);
});
afterAll(async () => {
  await bot?.close();
  await sandbox?.close();
});

describe("the support profile's tools", () => {
  it("[G-LIST-SUPPORT] tools/list is exactly the customer-facing tools plus VerifyCustomer", async () => {
    const { tools } = await bot.started.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...CUSTOMER_FACING, "VerifyCustomer"].sort());
  });

  it("[G-LIST-SUPPORT] --toolsets all does not widen the support list", async () => {
    const wide = await connect(sandbox, { args: ["--profile", "support", "--toolsets", "all"] });
    try {
      const { tools } = await wide.started.client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual([...CUSTOMER_FACING, "VerifyCustomer"].sort());
    } finally {
      await wide.close();
    }
  });

  it("[G-LIST-SUPPORT] unlisted operations (cards, gateways, SMTP, BigQuery, refunds, settings) are refused and never reach RevCent", async () => {
    const hits = countUpstream(sandbox);
    try {
      const attempts: [string, Record<string, unknown>][] = [
        ["GetCustomerCard", { customer_card_id: SEED_IDS.customerCard }],
        ["GetUserGateway", { user_gateway_id: "usergateway000000001" }],
        ["GetSMTPProfile", { smtp_profile_id: "smtpprofile000000001" }],
        ["BigQueryRunQuery", { bigquery_sql: "select * from customers" }],
        ["RefundTransaction", { transaction_id: SEED_IDS.transaction, amount: 1 }],
        ["EditCustomer", { customer_id: JANE.id, customer: { email: "attacker@example.com" } }],
        ["GetSentinelSettings", {}],
      ];
      for (const [name, args] of attempts) {
        const r = await bot.call(name, args);
        expect(r.text, name).toBe(`[operation_not_allowed] No tool named ${name} is available in this session.`);
        expect(r.isError).toBe(true);
      }
      expect(hits()).toEqual([]);
    } finally {
      sandbox.faults.clear();
    }
  });

  it("[G-GUARD-ALWAYS-ON] --guard off and REVCENT_GUARD=off cannot be combined with the support profile", () => {
    const runs = [
      spawnSync(process.execPath, [SERVER_ENTRY, "--profile", "support", "--guard", "off", "--api-url", sandbox.url], {
        env: { PATH: process.env.PATH ?? "", REVCENT_API_KEY: SANDBOX_KEY },
        input: "",
        timeout: 10_000,
        encoding: "utf8",
      }),
      spawnSync(process.execPath, [SERVER_ENTRY, "--api-url", sandbox.url], {
        env: {
          PATH: process.env.PATH ?? "",
          REVCENT_API_KEY: SANDBOX_KEY,
          REVCENT_PROFILE: "support",
          REVCENT_GUARD: "off",
        },
        input: "",
        timeout: 10_000,
        encoding: "utf8",
      }),
    ];
    for (const run of runs) {
      expect(run.status).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).toMatch(/^revcent-mcp: --guard off cannot be combined with --profile support/);
    }
  });
});

describe("closed schemas", () => {
  it("[G-STRICT-SCHEMA] every listed tool has a closed input schema; guarded tools add only `verification`", async () => {
    const { tools } = await bot.started.client.listTools();
    for (const tool of tools) {
      expect(tool.inputSchema.additionalProperties, tool.name).toBe(false);
      const props = Object.keys(tool.inputSchema.properties ?? {});
      expect(
        props.some((p) => /verified|guard|bypass|override|admin/i.test(p)),
        tool.name,
      ).toBe(false);
      if (tool.name === "VerifyCustomer") expect(props.sort()).toEqual(["customer_id", "factor", "value"]);
      else expect(props, tool.name).toContain("verification");
    }
  });

  it("[G-STRICT-SCHEMA] a forged `verified: true` argument on GetCustomer is refused as invalid_arguments and reaches nothing", async () => {
    const hits = countUpstream(sandbox);
    try {
      const r = await bot.call("GetCustomer", { customer_id: JANE.id, verified: true });
      expect(r.isError).toBe(true);
      expect(r.text).toBe(
        "[invalid_arguments] Invalid arguments for GetCustomer: unknown argument verified; allowed: customer_id, fields, verification. (field: verified)",
      );
      expect(r.text).not.toContain(JANE.email);
      expect(hits()).toEqual([]);
    } finally {
      sandbox.faults.clear();
    }
    expectRefusal(await bot.call("GetCustomer", { customer_id: JANE.id }));
  });

  it("[G-STRICT-SCHEMA] VerifyCustomer with an extra `verified: true` is refused, even with the right value, and grants nothing", async () => {
    const r = await bot.call("VerifyCustomer", {
      customer_id: JANE.id,
      factor: "zip",
      value: JANE.zip,
      verified: true,
    });
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/^\[invalid_arguments\] Invalid arguments for VerifyCustomer: verified: /);
    expect(r.raw.structuredContent).toBeUndefined();
    expectRefusal(await bot.call("GetCustomer", { customer_id: JANE.id }));
  });

  it("[G-STRICT-SCHEMA] smuggled guard switches, object handles and unknown factors are all refused", async () => {
    const customer = await seededCustomer(sandbox, 3);
    const cases: [string, Record<string, unknown>, RegExp][] = [
      [
        "GetSale",
        { sale_id: SEED_IDS.sale, guard: "off" },
        /^\[invalid_arguments\] Invalid arguments for GetSale: unknown argument guard/,
      ],
      [
        "SearchCustomers",
        { search_term: JANE.email, customer_verified: true },
        /^\[invalid_arguments\] Invalid arguments for SearchCustomers: unknown argument customer_verified/,
      ],
      [
        "GetCustomer",
        { customer_id: JANE.id, verification: { verified: true, customer_id: JANE.id } },
        /^\[invalid_arguments\] Invalid arguments for GetCustomer: verification/,
      ],
      [
        "CancelSubscription",
        { subscription_id: SEED_IDS.subscription, confirmed_by_customer: true },
        /^\[invalid_arguments\] Invalid arguments for CancelSubscription: unknown argument confirmed_by_customer/,
      ],
      [
        "VerifyCustomer",
        { customer_id: customer.id, factor: "name", value: customer.last_name },
        /^\[invalid_arguments\] Invalid arguments for VerifyCustomer: factor: /,
      ],
      [
        "VerifyCustomer",
        { customer_id: customer.id, factor: "verified", value: "true" },
        /^\[invalid_arguments\] Invalid arguments for VerifyCustomer: factor: /,
      ],
      [
        "VerifyCustomer",
        { customer_id: customer.id, factor: "zip", value: customer.zip, verification: "x.y" },
        /^\[invalid_arguments\] Invalid arguments for VerifyCustomer: verification: /,
      ],
    ];
    for (const [name, args, expected] of cases) {
      const r = await bot.call(name, args);
      expect(r.isError, name).toBe(true);
      expect(r.text, JSON.stringify(args)).toMatch(expected);
    }
    expectRefusal(await bot.call("GetCustomer", { customer_id: customer.id }));
    expectRefusal(await bot.call("GetSale", { sale_id: SEED_IDS.sale }));
  });
});

describe("verification handles", () => {
  it("[G-HANDLE-FORGERY] a handle made up by the model (unsigned JSON naming the customer) verifies nothing", async () => {
    const payload = Buffer.from(JSON.stringify({ c: "anything", s: "anything", u: JANE.id, n: "x" })).toString(
      "base64url",
    );
    for (const verification of [`${payload}.${"A".repeat(43)}`, payload, "verified", `${JANE.id}.ok`]) {
      const r = await bot.call("GetCustomer", { customer_id: JANE.id, verification });
      expectRefusal(r, verification);
    }
  });

  it("[G-HANDLE-FORGERY] a genuine handle rewritten to name another customer, or with its signature altered, verifies nothing", async () => {
    const own = await seededCustomer(sandbox, 4);
    const other = await seededCustomer(sandbox, 5);
    const session = await connect(sandbox);
    try {
      const handle = await session.verify(own.id, "zip", own.zip);
      const [payload, signature] = handle.split(".") as [string, string];
      const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, string>;
      expect(claims.u).toBe(own.id);
      const rewritten = Buffer.from(JSON.stringify({ ...claims, u: other.id })).toString("base64url");
      const flipped = signature.slice(0, -1) + (signature.endsWith("A") ? "B" : "A");
      for (const verification of [
        `${rewritten}.${signature}`,
        `${payload}.${flipped}`,
        `${rewritten}.${flipped}`,
        `${payload}.${signature}.${signature}`,
      ]) {
        expectRefusal(await session.call("GetCustomer", { customer_id: other.id, verification }), verification);
      }
      // The genuine handle names its own customer only.
      expectRefusal(await session.call("GetCustomer", { customer_id: other.id, verification: handle }));
      const mine = await session.ok("GetCustomer", { customer_id: own.id, verification: handle });
      expect(mine.email).toBe(own.email);
    } finally {
      await session.close();
    }
  });

  it("[G-HANDLE-FORGERY] the refusal for a forged handle is the ordinary refusal, word for word", async () => {
    const r = await bot.call("GetSale", {
      sale_id: SEED_IDS.sale,
      verification: "eyJ1IjoiY3VzMDAwMDAwMDAwMDAwMGphbmUifQ.c2lnbmF0dXJl",
    });
    expect(r.text).toBe(REFUSAL_TEXT);
  });
});
