// A person confirms every call that moves money, through real MCP clients against the sandbox, and
// what reaches RevCent is checked on the sandbox's side (a recording proxy in front of it): a 2025
// client that declares elicitation is asked with elicitation/create, a 2026-07-28 client gets an
// input_required result, and a client that cannot ask gets a one-time token. The attacker's moves
// come first: a declined or dismissed form, a replayed answer, a forged one, a token reused,
// carried to another conversation, or used with a changed amount.
import { Client as ClientV2, StreamableHTTPClientTransport as HttpV2 } from "@modelcontextprotocol/client";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport as HttpV1 } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ElicitRequestSchema, type ElicitResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startHttpInProcess, startInProcessOnSandbox, type InProcessHttpServer } from "../helpers/in-process.js";
import { SEED_IDS, newSandbox, recordingProxy, type RecordingProxy, type Sandbox } from "../http/helpers.js";
import { modernRequest } from "../protocol/modern-request.js";
import { textOf } from "./upstream.js";

const TXN = SEED_IDS.transaction;
const KEY = { "x-api-key": "sandbox-key" };
let sandbox: Sandbox;
let proxy: RecordingProxy;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  sandbox = await newSandbox();
  proxy = await recordingProxy(sandbox);
});
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});
afterAll(async () => {
  await proxy.close();
  await sandbox.close();
});

/** Refund POSTs RevCent received, as counted on its side of the wire. */
const refundsSent = () => proxy.seen.filter((r) => r.method === "POST" && r.path.includes("/refund")).length;
const text = textOf;

async function refunded(): Promise<number> {
  const res = await fetch(`${sandbox.url}/transactions/${TXN}`, { headers: KEY });
  return ((await res.json()) as { amount_refunded: number }).amount_refunded;
}

/** A 2025 client that declares form elicitation and answers every form with `answer`. */
async function elicitingClient(answer: ElicitResult, args: string[] = []) {
  const asked: string[] = [];
  const client = new Client(
    { name: "confirm-tests", version: "0.0.0" },
    { capabilities: { elicitation: { form: {} } } },
  );
  client.setRequestHandler(ElicitRequestSchema, async (request) => {
    asked.push(request.params.message);
    return answer;
  });
  const started = await startInProcessOnSandbox(proxy.url, args, { client });
  closers.push(() => started.close());
  return { client, asked };
}

describe("a 2025 client that can show a form (elicitation/create)", () => {
  it("decline and cancel send nothing to RevCent, and say so", async () => {
    for (const action of ["decline", "cancel"] as const) {
      const before = { posts: refundsSent(), refunded: await refunded() };
      const { client, asked } = await elicitingClient({ action });
      const result = await client.callTool({
        name: "RefundTransaction",
        arguments: { transaction_id: TXN, amount: 3 },
      });
      expect(result.isError).toBe(true);
      expect(text(result)).toMatch(
        /^\[cancelled_by_user\] The user did not confirm RefundTransaction; nothing was sent\./,
      );
      expect(asked).toHaveLength(1);
      expect(refundsSent()).toBe(before.posts);
      expect(await refunded()).toBe(before.refunded);
    }
  });

  it("an accepted form without the box ticked is not a yes", async () => {
    const before = refundsSent();
    const { client } = await elicitingClient({ action: "accept", content: { confirm: false } });
    const result = await client.callTool({ name: "RefundTransaction", arguments: { transaction_id: TXN, amount: 3 } });
    expect(text(result)).toMatch(/^\[cancelled_by_user\]/);
    expect(refundsSent()).toBe(before);
  });

  it("the form shows what RevCent holds for the transaction, even when the model names another amount", async () => {
    const before = refundsSent();
    const { client, asked } = await elicitingClient({ action: "decline" });
    await client.callTool({ name: "RefundTransaction", arguments: { transaction_id: TXN, amount: 1000 } });
    const charged = (await (await fetch(`${sandbox.url}/transactions/${TXN}`, { headers: KEY })).json()) as {
      amount: number;
    };
    expect(asked[0]).toContain(`refund 1000.00 USD on transaction_id ${TXN}`);
    expect(asked[0]).toContain(`RevCent shows ${charged.amount.toFixed(2)} USD charged on it`);
    expect(asked[0]).toContain("The amount asked is more than the");
    expect(asked[0]).toContain(`Customer ${SEED_IDS.customer}.`);
    expect(refundsSent()).toBe(before);
  });

  it("accept runs the call exactly once", async () => {
    const before = { posts: refundsSent(), refunded: await refunded() };
    const { client, asked } = await elicitingClient({ action: "accept", content: { confirm: true } });
    const result = await client.callTool({ name: "RefundTransaction", arguments: { transaction_id: TXN, amount: 2 } });
    expect(result.isError, text(result)).toBeFalsy();
    expect(asked).toHaveLength(1);
    expect(refundsSent()).toBe(before.posts + 1);
    expect(await refunded()).toBeCloseTo(before.refunded + 2, 2);
  });

  it("--confirm off asks nobody (the client's own prompts are the only check)", async () => {
    const before = refundsSent();
    const { client, asked } = await elicitingClient({ action: "decline" }, ["--confirm", "off"]);
    const result = await client.callTool({ name: "RefundTransaction", arguments: { transaction_id: TXN, amount: 1 } });
    expect(result.isError, text(result)).toBeFalsy();
    expect(asked).toEqual([]);
    expect(refundsSent()).toBe(before + 1);
  });
});

describe("a client that cannot show a form: one-time tokens", () => {
  let http: InProcessHttpServer;
  beforeAll(async () => {
    http = await startHttpInProcess(["--api-url", proxy.url]);
  });
  afterAll(() => http.close());

  async function session(): Promise<Client> {
    const client = new Client({ name: "token-tests", version: "0.0.0" });
    await client.connect(new HttpV1(new URL(http.url), { requestInit: { headers: KEY } }));
    closers.push(() => client.close());
    return client;
  }
  const refund = (client: Client, args: Record<string, unknown>) =>
    client.callTool({ name: "RefundTransaction", arguments: { transaction_id: TXN, ...args } });
  const tokenOf = (result: unknown) => /confirmation: "([^"]+)"/.exec(text(result))?.[1];

  it("the first call sends nothing and answers with the summary and a token; the same call with it runs once", async () => {
    const client = await session();
    const before = refundsSent();
    const held = await refund(client, { amount: 1.5 });
    expect(held.isError).toBe(true);
    expect(text(held)).toMatch(/^\[confirmation_required\] Refund A Transaction: refund 1\.50 USD on transaction_id /);
    expect(refundsSent()).toBe(before);
    const ran = await refund(client, { amount: 1.5, confirmation: tokenOf(held) });
    expect(ran.isError, text(ran)).toBeFalsy();
    expect(refundsSent()).toBe(before + 1);
  });

  it("a token used twice, in another conversation, or with a changed amount is refused and sends nothing", async () => {
    const a = await session();
    const b = await session();
    const refusedText =
      /^\[confirmation_required\] That confirmation is unknown, used, expired, or was given for another call/;

    const first = tokenOf(await refund(a, { amount: 1 }))!;
    expect((await refund(a, { amount: 1, confirmation: first })).isError).toBeFalsy();
    let before = refundsSent();
    expect(text(await refund(a, { amount: 1, confirmation: first }))).toMatch(refusedText);

    const second = tokenOf(await refund(a, { amount: 1 }))!;
    expect(text(await refund(b, { amount: 1, confirmation: second }))).toMatch(refusedText);

    const third = tokenOf(await refund(a, { amount: 1 }))!;
    expect(text(await refund(a, { amount: 25, confirmation: third }))).toMatch(refusedText);
    // Refused once, a token is gone: the right call with it is refused too.
    expect(text(await refund(a, { amount: 1, confirmation: third }))).toMatch(refusedText);

    const made = `cf_${"A".repeat(32)}`;
    expect(text(await refund(a, { amount: 1, confirmation: made }))).toMatch(refusedText);
    expect(refundsSent()).toBe(before);
  });

  it("--confirm elicit refuses a client that cannot show a form, and sends nothing", async () => {
    const strict = await startHttpInProcess(["--api-url", proxy.url, "--confirm", "elicit"]);
    closers.push(() => strict.close());
    const client = new Client({ name: "token-tests", version: "0.0.0" });
    await client.connect(new HttpV1(new URL(strict.url), { requestInit: { headers: KEY } }));
    closers.push(() => client.close());
    const before = refundsSent();
    const result = await client.callTool({ name: "RefundTransaction", arguments: { transaction_id: TXN, amount: 1 } });
    expect(text(result)).toMatch(/^\[confirmation_required\] RefundTransaction needs a person's confirmation/);
    expect(text(result)).not.toMatch(/cf_/);
    expect(refundsSent()).toBe(before);
  });
});

describe("a 2026-07-28 client: input_required with sealed request state", () => {
  let http: InProcessHttpServer;
  beforeAll(async () => {
    http = await startHttpInProcess(["--api-url", proxy.url]);
  });
  afterAll(() => http.close());
  const ELICIT = { elicitation: { form: {} } };
  const call = (args: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    modernRequest(
      http.url,
      "tools/call",
      { name: "RefundTransaction", arguments: { transaction_id: TXN, ...args }, ...extra },
      KEY,
      ELICIT,
    );

  it("the v2 SDK's client answers the form and the call runs once", async () => {
    const asked: string[] = [];
    const client = new ClientV2(
      { name: "confirm-2026", version: "0.0.0" },
      { capabilities: { elicitation: { form: {} } }, versionNegotiation: { mode: { pin: "2026-07-28" } } },
    );
    client.setRequestHandler("elicitation/create", async (request) => {
      asked.push((request.params as { message: string }).message);
      return { action: "accept", content: { confirm: true } };
    });
    await client.connect(new HttpV2(new URL(http.url), { requestInit: { headers: KEY } }));
    closers.push(() => client.close());
    const before = refundsSent();
    const result = await client.callTool({ name: "RefundTransaction", arguments: { transaction_id: TXN, amount: 1 } });
    expect(result.isError, JSON.stringify(result)).toBeFalsy();
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatch(/^Please confirm\. Refund A Transaction: refund 1\.00 USD/);
    expect(refundsSent()).toBe(before + 1);
  });

  it("a replayed answer, a forged one, and state from another call send nothing more", async () => {
    const before = refundsSent();
    const asking = await call({ amount: 1 });
    expect(asking.result?.resultType).toBe("input_required");
    const state = asking.result!.requestState as string;
    const yes = { confirm: { action: "accept", content: { confirm: true } } };

    // An answer without the server's own state is not an answer: the form is asked again.
    const forged = await call({ amount: 1 }, { inputResponses: yes });
    expect(forged.result?.resultType).toBe("input_required");
    // The state of a 1.00 refund, sent back with a 20.00 refund, asks again.
    const swapped = await call({ amount: 20 }, { inputResponses: yes, requestState: state });
    expect(swapped.result?.resultType).toBe("input_required");
    expect(refundsSent()).toBe(before);

    const ran = await call({ amount: 1 }, { inputResponses: yes, requestState: state });
    expect(ran.result?.isError, JSON.stringify(ran)).toBeFalsy();
    expect(refundsSent()).toBe(before + 1);
    const replay = await call({ amount: 1 }, { inputResponses: yes, requestState: state });
    expect(replay.result?.content?.[0]?.text).toMatch(/^\[confirmation_required\] This confirmation was already used/);
    expect(refundsSent()).toBe(before + 1);

    // A changed byte of the state is refused before any handler runs.
    const tampered = await call({ amount: 1 }, { inputResponses: yes, requestState: `${state.slice(0, -2)}xx` });
    expect(tampered.error?.code).toBe(-32602);
    expect(refundsSent()).toBe(before + 1);
  });

  it("without the capability in the request, the client gets a token instead of a form", async () => {
    const reply = await modernRequest(
      http.url,
      "tools/call",
      { name: "RefundTransaction", arguments: { transaction_id: TXN, amount: 1 } },
      KEY,
    );
    expect(reply.result?.content?.[0]?.text).toMatch(/^\[confirmation_required\] .* confirmation: "cf_/);
  });
});
