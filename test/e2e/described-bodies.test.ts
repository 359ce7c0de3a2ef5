// Entities whose request bodies the spec now describes field by field (from RevCent's official
// operation files and MCP guides): a real MCP client (in-process, as the CLI starts the server) creates one of each kind on the
// sandbox (which validates the bodies, being driven by the same spec), edits it, and reads the
// change back.
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StartedClient } from "../helpers/stdio-client.js";
import { startInProcess } from "../helpers/in-process.js";
import { answerOf } from "../helpers/answer.js";

let s: StartedClient;
beforeAll(async () => {
  s = await startInProcess(["--sandbox", "--toolsets", "all"]);
});
afterAll(() => s?.close());

async function ok(name: string, args: Record<string, unknown>): Promise<Record<string, any>> {
  const r = (await s.client.callTool({ name, arguments: args })) as CallToolResult;
  const text = (r.content[0] as { text: string }).text;
  expect(r.isError, `${name}: ${text}`).toBeFalsy();
  return (answerOf(r) ?? {}) as Record<string, any>;
}

/** [kind, create tool and args, id field, edit tool, edit args, get tool, what the read shows]. */
const KINDS: [string, string, Record<string, unknown>, string, string, Record<string, unknown>, string][] = [
  [
    "AI prompt",
    "CreateAIPrompt",
    { name: "Weekly summary", prompt: "Summarize last week's refunds." },
    "ai_prompt_id",
    "EditAIPrompt",
    { prompt: "Summarize last week's refunds by reason." },
    "GetAIPrompt",
  ],
  [
    "BIN profile",
    "CreateBinProfile",
    { name: "Prepaid BINs", enabled: true, bin_6: ["411111", "555555"] },
    "bin_profile_id",
    "EditBinProfile",
    { bin_6: ["411111", "555555", "378282"] },
    "GetBinProfile",
  ],
  [
    "customer group",
    "CreateCustomerGroup",
    { name: "VIP", description: "Top spenders", enabled: true },
    "customer_group_id",
    "EditCustomerGroup",
    { name: "VIP (2027)" },
    "GetCustomerGroup",
  ],
  [
    "gateway group",
    "CreateGatewayGroup",
    { name: "Rotation", enabled: true },
    "gateway_group_id",
    "EditGatewayGroup",
    { description: "Split card volume" },
    "GetGatewayGroup",
  ],
  [
    "shipping profile",
    "CreateShippingProfile",
    { rates: [{ price: 4.99 }] },
    "shipping_profile_id",
    "EditShippingProfile",
    { name: "Flat rate", enabled: true },
    "GetShippingProfile",
  ],
  [
    "function",
    "CreateFunction",
    { name: "Tag big orders", description: "Adds metadata to orders over $500." },
    "function_id",
    "EditFunction",
    { description: "Adds metadata to orders over $400." },
    "GetFunction",
  ],
  [
    "URL parameter set",
    "CreateUrlParameterSet",
    { name: "UTM", url_parameters: [{ url_parameter: "utm_source" }] },
    "url_parameter_set_id",
    "EditUrlParameterSet",
    { description: "Campaign source" },
    "GetUrlParameterSet",
  ],
  [
    "subscription profile",
    "CreateSubscriptionProfile",
    { name: "Quarterly", enabled: true },
    "subscription_profile_id",
    "EditSubscriptionProfile",
    { description: "Every three months" },
    "GetSubscriptionProfile",
  ],
];

describe("newly described bodies, end to end", () => {
  for (const [kind, create, args, idField, edit, change, get] of KINDS) {
    it(`${kind}: ${create}, ${edit}, ${get}`, async () => {
      const created = await ok(create, args);
      const id = created[idField] as string;
      expect(id, `${create} answers ${JSON.stringify(created)}`).toMatch(/^[A-Za-z0-9]{20}$/);
      await ok(edit, { [idField]: id, ...change });
      const read = await ok(get, { [idField]: id });
      expect(read).toMatchObject({ id, ...change });
    });
  }

  it("fulfillment account: CreateFulfillmentAccount at one of RevCent's fulfillment centers, EditFulfillmentAccount, GetFulfillmentAccount", async () => {
    const centers = await ok("GetSiteFulfillmentCenters", {});
    const center = (centers.results as { id: string }[])[0]!.id;
    const id = (await ok("CreateFulfillmentAccount", { name: "East warehouse", fulfillment_center: center }))
      .fulfillment_account_id as string;
    await ok("EditFulfillmentAccount", { fulfillment_account_id: id, name: "East warehouse (NJ)" });
    expect(await ok("GetFulfillmentAccount", { fulfillment_account_id: id })).toMatchObject({
      id,
      name: "East warehouse (NJ)",
    });
  });

  it("a project and its note: CreateProject, GetProject, CreateProjectNote, EditProjectNote, GetProjectNote", async () => {
    const project = (await ok("CreateProject", { name: "Chargeback playbook", description: "How we answer disputes." }))
      .project_id as string;
    expect(await ok("GetProject", { project_id: project })).toMatchObject({ id: project, name: "Chargeback playbook" });
    const note = (
      await ok("CreateProjectNote", { project_id: project, title: "Decision", content: "Fight disputes over $50." })
    ).project_note_id as string;
    await ok("EditProjectNote", { project_note_id: note, content: "Fight disputes over $40." });
    expect(await ok("GetProjectNote", { project_note_id: note })).toMatchObject({
      id: note,
      title: "Decision",
      content: "Fight disputes over $40.",
    });
  });

  it("the sandbox refuses a field the described body does not have, naming it", async () => {
    const r = (await s.client.callTool({
      name: "CreateGatewayGroup",
      arguments: { name: "x", colour: "red" },
    })) as CallToolResult;
    expect(r.isError).toBe(true);
    expect((r.content[0] as { text: string }).text).toMatch(/colour/);
  });
});
