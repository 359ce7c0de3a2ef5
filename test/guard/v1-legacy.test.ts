// The guard over the legacy V1 tools: support does not offer them at all; an operator who turns the
// guard on with --toolsets v1-legacy gets the same verification as on V2 — refusals in the same
// words for unverified, foreign and unknown records, and nothing changed on a record the session
// cannot attribute to a verified customer.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  JANE,
  SEED_IDS,
  SUPPORT,
  connect,
  countUpstream,
  expectRefusal,
  newSandbox,
  seedIdFor,
  upstream,
  type Bot,
  type Sandbox,
} from "./harness.js";

const V1_GUARDED = ["--profile", "operator", "--guard", "verification", "--toolsets", "v1-legacy"];
const OTHER_LICENSE_KEY = seedIdFor("license_key_id", 1);
const OTHER_FRAUD_REQUEST = seedIdFor("fraud_detection_request_id", 1);

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await newSandbox();
});
afterAll(() => sandbox.close());

const pendingSaleOf = async (customerId: string, uniqueRequestId: string) =>
  (
    await upstream(sandbox, "POST", "/sales/pending", {
      campaign: SEED_IDS.campaign,
      customer_id: customerId,
      product: [{ id: SEED_IDS.product }],
      unique_request_id: uniqueRequestId,
    })
  ).sale_id as string;
const statusOf = async (saleId: string) => (await upstream(sandbox, "GET", `/sales/${saleId}`)).status;

describe("v1-legacy under the guard", () => {
  it("[G-V1-SUPPORT] support lists no V1 tool even when v1-legacy is asked for, and refuses a call to one before RevCent", async () => {
    const bot = await connect(sandbox, { args: [...SUPPORT, "--toolsets", "customers,v1-legacy"] });
    try {
      const names = (await bot.started.client.listTools()).tools.map((t) => t.name);
      expect(names.filter((n) => n.startsWith("V1"))).toEqual([]);
      expect(names).toContain("VerifyCustomer");
      const hits = countUpstream(sandbox);
      const r = await bot.call("V1LicenseKeyRetrieve", { id: SEED_IDS.licenseKey });
      expect(r.isError).toBe(true);
      expect(r.text).toBe("[operation_not_allowed] No tool named V1LicenseKeyRetrieve is available in this session.");
      expect(hits()).toEqual([]);
    } finally {
      sandbox.faults.clear();
      await bot.close();
    }
  });

  describe("operator with --guard verification --toolsets v1-legacy", () => {
    let bot: Bot;
    beforeAll(async () => {
      bot = await connect(sandbox, { args: V1_GUARDED });
    });
    afterAll(() => bot.close());

    it("[G-V1-GUARD] license keys and fraud detection requests: Jane's, another customer's and unknown ids get the one refusal before verification", async () => {
      const reads: [string, string][] = [
        ["V1LicenseKeyRetrieve", SEED_IDS.licenseKey],
        ["V1LicenseKeyRetrieve", "JANE-0001-SANDBOX-KEY"],
        ["V1LicenseKeyRetrieve", OTHER_LICENSE_KEY],
        ["V1LicenseKeyRetrieve", "NO-SUCH-KEY-0000"],
        ["V1FraudDetectionRequestRetrieve", SEED_IDS.fraudDetectionRequest],
        ["V1FraudDetectionRequestRetrieve", OTHER_FRAUD_REQUEST],
        ["V1FraudDetectionRequestRetrieve", "fdr00000000000nobody"],
      ];
      for (const [tool, id] of reads) expectRefusal(await bot.call(tool, { id }), `${tool} ${id}`);
      // Quota units belong to no customer: nobody's data, no verification needed.
      expect((await bot.ok("V1QuotaUnitRetrieve", { id: seedIdFor("quota_unit_id", 0) })).results[0].name).toBe(
        "Phone Minute",
      );
    });

    it("[G-V1-GUARD] a pending sale cancel is refused until its customer is verified, and one the guard cannot attribute never reaches RevCent", async () => {
      const janeSale = await pendingSaleOf(JANE.id, "guard-v1-jane-1");
      const otherSale = await pendingSaleOf(seedIdFor("customer_id", 2), "guard-v1-other-1");
      expectRefusal(await bot.call("V1PendingSaleCancel", { unique_request_id: janeSale }));
      expect(await statusOf(janeSale)).toBe("Pending");

      await bot.verify(JANE.id, "zip", JANE.zip);
      // Verified: Jane's records open, nobody else's.
      expect((await bot.ok("V1LicenseKeyRetrieve", { id: "JANE-0001-SANDBOX-KEY" })).results[0].customer.id).toBe(
        JANE.id,
      );
      expect(
        (await bot.ok("V1FraudDetectionRequestRetrieve", { id: SEED_IDS.fraudDetectionRequest })).results[0].sale.id,
      ).toBe(SEED_IDS.sale);
      expectRefusal(await bot.call("V1LicenseKeyRetrieve", { id: OTHER_LICENSE_KEY }));
      expectRefusal(await bot.call("V1FraudDetectionRequestRetrieve", { id: OTHER_FRAUD_REQUEST }));

      const hits = countUpstream(sandbox);
      expectRefusal(await bot.call("V1PendingSaleCancel", { unique_request_id: otherSale }));
      // A unique_request_id is not a sale id the guard can read: refused, fail closed, even for Jane's sale.
      expectRefusal(await bot.call("V1PendingSaleCancel", { unique_request_id: "guard-v1-jane-1" }));
      expect(hits().filter((op) => op === "V1PendingSaleCancel")).toEqual([]);
      sandbox.faults.clear();
      expect(await statusOf(otherSale)).toBe("Pending");
      expect(await statusOf(janeSale)).toBe("Pending");

      expect(await bot.confirmed("V1PendingSaleCancel", { unique_request_id: janeSale })).toMatchObject({
        sale_id: janeSale,
        customer_id: JANE.id,
      });
      expect(await statusOf(janeSale)).toBe("Cancelled");
    });
  });
});
