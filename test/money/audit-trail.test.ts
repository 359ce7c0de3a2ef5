// The audit trail as the operator reads it: every write's intent and outcome, every confirmation,
// limit and guard decision, written by the server under real MCP clients, read back with
// `revcent-mcp audit`. The files live in .test-logs/, so the log-leak check greps them for every
// canary too. Then the server is killed with SIGKILL while a refund is on the wire: its intent is
// on disk, with no outcome, and the reader says it may have happened.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { ElicitRequestSchema, type ElicitResult } from "@modelcontextprotocol/sdk/types.js";
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, watch } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAuditCommand } from "../../src/audit/command.js";
import type { AuditLine } from "../../src/audit/audit-log.js";
import { JANE, saleFor } from "../guard/harness.js";
import { startInProcessOnSandbox } from "../helpers/in-process.js";
import { LOG_DIR, SERVER_ENTRY } from "../helpers/stdio-client.js";
import { SEED_IDS, newSandbox, type Sandbox } from "../http/helpers.js";
import { textOf } from "./upstream.js";

const TXN = SEED_IDS.transaction;
let sandbox: Sandbox;
beforeAll(async () => {
  mkdirSync(LOG_DIR, { recursive: true });
  sandbox = await newSandbox();
});
afterAll(() => sandbox.close());

const auditFile = () => `${LOG_DIR}audit-${randomUUID()}.audit.jsonl`;
const lines = (file: string): AuditLine[] =>
  existsSync(file)
    ? readFileSync(file, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as AuditLine)
    : [];
const text = textOf;
/** What a line says, without what changes from run to run. */
const gist = (l: AuditLine) => [l.event, l.operation, l.outcome, l.confirmation].filter(Boolean).join(" ");

async function conversation(file: string, answer: ElicitResult | undefined, args: string[] = []) {
  const client = new Client(
    { name: "audit-tests", version: "0.0.0" },
    answer ? { capabilities: { elicitation: { form: {} } } } : {},
  );
  if (answer) client.setRequestHandler(ElicitRequestSchema, async () => answer);
  const started = await startInProcessOnSandbox(sandbox.url, ["--audit-log", file, ...args], { client });
  return {
    call: (name: string, a: Record<string, unknown>) => client.callTool({ name, arguments: a }),
    close: () => started.close(),
  };
}

describe("the lines each case leaves", () => {
  it("confirmed, declined, token, over a limit, failed upstream, and an ordinary write", async () => {
    const file = auditFile();
    const yes = await conversation(file, { action: "accept", content: { confirm: true } });
    await yes.call("RefundTransaction", { transaction_id: TXN, amount: 1 });
    await yes.call("RefundTransaction", { transaction_id: TXN, amount: 100000 });
    await yes.call("CreateNote", { item_type: "customer", item_id: JANE.id, text: "called about a refund" });
    await yes.close();
    const no = await conversation(file, { action: "decline" });
    await no.call("RefundTransaction", { transaction_id: TXN, amount: 1 });
    await no.close();
    const tokens = await conversation(file, undefined);
    const held = await tokens.call("VoidSale", { sale_id: SEED_IDS.sale });
    const token = /confirmation: "([^"]+)"/.exec(text(held))![1];
    await tokens.call("VoidSale", { sale_id: SEED_IDS.sale, confirmation: token });
    await tokens.close();

    const trail = lines(file);
    expect(trail.map(gist)).toEqual([
      "decision RefundTransaction confirmation_asked",
      "intent RefundTransaction elicit",
      "outcome RefundTransaction ok elicit",
      "decision RefundTransaction confirmation_asked",
      "intent RefundTransaction elicit",
      "outcome RefundTransaction bad_request elicit",
      "intent CreateNote",
      "outcome CreateNote ok",
      "decision RefundTransaction confirmation_asked",
      "decision RefundTransaction cancelled_by_user",
      "decision VoidSale confirmation_required",
      "intent VoidSale token",
      "outcome VoidSale ok token",
    ]);
    const first = trail[1]!;
    expect(first).toMatchObject({ profile: "operator", targets: { transaction_id: TXN }, amount: 1, currency: "USD" });
    expect(first.principal).toMatch(/^k:/);
    expect(trail[2]!.call).toBe(first.call);
    // The key RevCent saw is the one the trail names, on the intent and its outcome alike.
    expect(first.idempotency_key).toMatch(/^[0-9a-f-]{36}$/);
    expect(trail[2]!.idempotency_key).toBe(first.idempotency_key);
    // What the model wrote in a note is not the trail's business.
    expect(readFileSync(file, "utf8")).not.toContain("called about a refund");
  });

  it("limits and the guard: what was refused, and who verified whom", async () => {
    const file = auditFile();
    const own = await saleFor(sandbox, JANE.id);
    const limited = await conversation(file, { action: "accept", content: { confirm: true } }, [
      "--profile",
      "support",
      "--support-refunds",
    ]);
    await limited.call("RefundTransaction", { transaction_id: own.transaction, amount: 1 });
    // An attacker puts card numbers where ids and values go: refused, and never written.
    await limited.call("VerifyCustomer", {
      customer_id: "4111111111111111",
      factor: "last4",
      value: "4000000000000002",
    });
    await limited.call("VerifyCustomer", { customer_id: JANE.id, factor: "zip", value: "00000" });
    await limited.call("VerifyCustomer", { customer_id: JANE.id, factor: "zip", value: JANE.zip });
    await limited.call("RefundTransaction", { transaction_id: own.transaction, amount: 75 });
    await limited.close();
    expect(lines(file).map(gist)).toEqual([
      "guard RefundTransaction verification_required",
      "guard VerifyCustomer invalid_arguments",
      "guard VerifyCustomer verification_failed",
      "guard VerifyCustomer ok",
      "decision RefundTransaction limit_exceeded",
    ]);
    // The value a visitor tried is never written, right or wrong.
    expect(readFileSync(file, "utf8")).not.toMatch(/"00000"|90210|"value"|4111111111111111|4000000000000002/);
  });
});

describe("a crash between intent and outcome", () => {
  it("kill -9 while the refund is on the wire leaves its intent, and the reader flags it", async () => {
    const file = auditFile();
    sandbox.faults.add({ match: { operationId: "RefundTransaction" }, fault: { kind: "latency", ms: 60_000 } });
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [SERVER_ENTRY, "--api-url", sandbox.url, "--confirm", "off", "--audit-log", file],
      env: { PATH: process.env.PATH ?? "", REVCENT_API_KEY: "sandbox-key", LOG_LEVEL: "warn" },
      stderr: "ignore",
    });
    const client = new Client({ name: "audit-kill", version: "0.0.0" });
    await client.connect(transport);
    try {
      const intentWritten = untilFileHas(file, '"event":"intent"');
      const pending = client.callTool({ name: "RefundTransaction", arguments: { transaction_id: TXN, amount: 1 } });
      pending.catch(() => {}); // the server dies under it
      await intentWritten;
      process.kill(transport.pid!, "SIGKILL");
      await new Promise<void>((resolve) => (transport.onclose = resolve));
    } finally {
      sandbox.faults.clear();
      await client.close().catch(() => {});
    }
    expect(lines(file).map(gist)).toEqual(["intent RefundTransaction off"]);
    const out: string[] = [];
    const code = await runAuditCommand(["--file", file], {}, { out: (l) => out.push(l), err: (l) => out.push(l) });
    expect(code).toBe(0);
    expect(out.join("\n")).toMatch(/RefundTransaction.*NO OUTCOME: may have happened/);
  });
});

/** Resolves once the file holds the text: watched, not slept on. */
function untilFileHas(file: string, needle: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const dir = LOG_DIR;
    const check = () => existsSync(file) && readFileSync(file, "utf8").includes(needle);
    const watcher = watch(dir, () => {
      if (check()) {
        watcher.close();
        clearTimeout(timer);
        resolve();
      }
    });
    const timer = setTimeout(() => {
      watcher.close();
      reject(new Error(`${file} never held ${needle}`));
    }, 15_000);
    if (check()) {
      watcher.close();
      clearTimeout(timer);
      resolve();
    }
  });
}
