// The server driven by a document in the shape of RevCent's official operation files (REVCENT_OPENAPI):
// closed bodies that do not list idempotency_key, no x-revcent marks, official names. It lists
// those names and performs writes on the sandbox; RevCent refusing a parameter is [bad_request],
// and a key RevCent saw before is [duplicate_request]. The bodies are the facts read from the
// official files (spec/official/), as they are.
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { SEED_IDS } from "../../src/sandbox/seed.js";
import type { StartedClient } from "../helpers/stdio-client.js";
import { startInProcess } from "../helpers/in-process.js";
import { answerOf } from "../helpers/answer.js";

const official = (file: string) =>
  JSON.parse(readFileSync(new URL(`../../spec/official/${file}.json`, import.meta.url), "utf8"));
const id20 = { type: "string", minLength: 20, maxLength: 20 };
const ok = { "200": { description: "Successful response." } };
const pathId = (name: string) => [{ name, in: "path", required: true, schema: id20 }];
const post = (file: string) => {
  const f = official(file);
  return {
    operationId: f.officialId,
    summary: f.officialId,
    ...(f.parameters?.length ? { parameters: f.parameters } : {}),
    requestBody: {
      required: Boolean(f.requestBody.required),
      content: { "application/json": { schema: f.requestBody.schema } },
    },
    responses: ok,
  };
};

/** An official-shaped document: writes as RevCent's files show them, and the reads they need. */
function officialDocument(): Record<string, any> {
  return {
    openapi: "3.1.0",
    info: { title: "RevCent API (official shape)", version: "2" },
    paths: {
      "/gateway_groups": { post: post("CreateGatewayGroup") },
      "/gateway_groups/{gateway_group_id}": {
        get: {
          operationId: "GetGatewayGroup",
          summary: "Get A Gateway Group",
          parameters: pathId("gateway_group_id"),
          responses: ok,
        },
      },
      "/transactions/{transaction_id}/refund": { post: post("RefundTransaction") },
      "/transactions/{transaction_id}": {
        get: {
          operationId: "GetTransaction",
          summary: "Get A Transaction",
          parameters: pathId("transaction_id"),
          responses: ok,
        },
      },
      "/subscriptions/{subscription_id}/activate": { post: post("SubscriptionActivate") },
      // Not among the files read; written in their shape, like ActivateSubscription's.
      "/subscriptions/{subscription_id}/suspend": {
        post: { ...post("SubscriptionActivate"), operationId: "SuspendSubscription", summary: "SuspendSubscription" },
      },
      "/subscriptions/{subscription_id}": {
        get: {
          operationId: "GetSubscription",
          summary: "Get A Subscription",
          parameters: pathId("subscription_id"),
          responses: ok,
        },
      },
    },
  };
}

const text = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;

describe("driven by a document in the official files' shape", () => {
  let sandbox: Sandbox;
  let s: StartedClient;
  const call = (name: string, args: Record<string, unknown>) =>
    s.client.callTool({ name, arguments: args }) as Promise<CallToolResult>;

  beforeAll(async () => {
    const doc = officialDocument();
    expect(
      doc.paths["/gateway_groups"].post.requestBody.content["application/json"].schema.properties.idempotency_key,
    ).toBeUndefined();
    // RevCent's side is stricter than the document the server reads: it knows no `description` on
    // gateway groups, so a call that passes one is refused by RevCent, not by the server.
    const revcent = structuredClone(doc);
    delete revcent.paths["/gateway_groups"].post.requestBody.content["application/json"].schema.properties.description;
    sandbox = await startSandbox({ spec: revcent });
    const file = join(mkdtempSync(join(tmpdir(), "official-shape-")), "openapi.json");
    writeFileSync(file, JSON.stringify(doc));
    s = await startInProcess(["--api-url", sandbox.url], {
      REVCENT_API_KEY: "sandbox-key",
      REVCENT_OPENAPI: file,
      // The subject is the document's shape; money confirmation is tested in test/money/.
      REVCENT_CONFIRM: "off",
    });
  });
  afterAll(async () => {
    await s?.close();
    await sandbox?.close();
  });
  afterEach(() => sandbox.faults.clear());

  it("lists the official names", async () => {
    const names = (await s.client.listTools()).tools.map((t) => t.name).sort();
    expect(names).toEqual([
      "ActivateSubscription",
      "CreateGatewayGroup",
      "GetGatewayGroup",
      "GetSubscription",
      "GetTransaction",
      "RefundTransaction",
      "SuspendSubscription",
    ]);
  });

  it("performs writes: a gateway group is created and reads back, a refund is recorded, a subscription reactivated", async () => {
    const created = await call("CreateGatewayGroup", { name: "Rotation A", enabled: true });
    expect(created.isError, text(created)).toBeFalsy();
    const id = (answerOf(created) as { gateway_group_id: string }).gateway_group_id;
    expect(answerOf(await call("GetGatewayGroup", { gateway_group_id: id }))).toMatchObject({
      id,
      name: "Rotation A",
    });

    const refund = await call("RefundTransaction", { transaction_id: SEED_IDS.transaction, amount: 1 });
    expect(refund.isError, text(refund)).toBeFalsy();
    expect(
      (
        answerOf(await call("GetTransaction", { transaction_id: SEED_IDS.transaction })) as {
          amount_refunded: number;
        }
      ).amount_refunded,
    ).toBeGreaterThanOrEqual(1);

    const suspended = await call("SuspendSubscription", { subscription_id: SEED_IDS.subscription });
    expect(suspended.isError, text(suspended)).toBeFalsy();
    const activated = await call("ActivateSubscription", { subscription_id: SEED_IDS.subscription });
    expect(activated.isError, text(activated)).toBeFalsy();
    expect(answerOf(await call("GetSubscription", { subscription_id: SEED_IDS.subscription }))).toMatchObject({
      status: "Active",
    });
  });

  it("a parameter RevCent refuses is [bad_request], never [duplicate_request], and nothing is created", async () => {
    const before = sandbox.faults.hits.length;
    const r = await call("CreateGatewayGroup", { name: "Rotation B", description: "second pool" });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/^\[bad_request\] Unknown parameter: description/);
    expect(sandbox.faults.hits.length).toBe(before);
  });

  it("a key RevCent saw before is [duplicate_request]: a refund's lost answer, retried with the same key", async () => {
    sandbox.faults.add({ match: { operationId: "RefundTransaction" }, fault: { kind: "lost_response" }, times: 1 });
    sandbox.faults.add({ match: { operationId: "RefundTransaction" }, fault: { kind: "latency", ms: 0 } });
    const r = await call("RefundTransaction", { transaction_id: SEED_IDS.transaction, amount: 1 });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(
      /^\[duplicate_request\] The first attempt of RefundTransaction reached RevCent but its answer was lost/,
    );
    expect(sandbox.faults.hits).toHaveLength(2);
  });
});
