// 2026-07-28 request state comes back from the client, so it is untrusted: only state this
// deployment sealed, for this caller and this method, within its lifetime, is accepted. Anything
// else is refused with -32602 before any tool runs. Raw requests over real loopback HTTP.
import type { ServerContext } from "@modelcontextprotocol/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestStateKeyFrom } from "../../src/runtime.js";
import { SEED_IDS } from "../../src/sandbox/seed.js";
import { requestStateCodec } from "../../src/tools/request-state.js";
import { startHttpInProcess, type InProcessHttpServer } from "../helpers/in-process.js";
import { modernRequest } from "./modern-request.js";
import { answerOf } from "../helpers/answer.js";

const SECRET = "request-state-secret-for-tests-0123456789";
const TOKEN = "tok-request-state";

describe("2026-07-28 request state", () => {
  let http: InProcessHttpServer;
  beforeAll(async () => {
    http = await startHttpInProcess(["--sandbox"], { REVCENT_GUARD_SECRET: SECRET });
  });
  afterAll(() => http?.close());

  /** A tools/call of GetCustomer carrying this request state. */
  const callWith = (requestState: string) =>
    modernRequest(http.url, "tools/call", {
      name: "GetCustomer",
      arguments: { customer_id: SEED_IDS.customer },
      requestState,
    });
  /** State sealed as the server would seal it (the sandbox over HTTP has one caller: "open"). */
  const sealed = (key: Uint8Array, principal: string, method: string) =>
    requestStateCodec(key, principal).mint({ step: 1 }, { mcpReq: { method } } as unknown as ServerContext);
  const ownKey = requestStateKeyFrom(SECRET);

  it("accepts state it sealed for this caller and this method", async () => {
    const reply = await callWith(await sealed(ownKey, "open", "tools/call"));
    expect(reply.error, JSON.stringify(reply.error)).toBeUndefined();
    expect(answerOf(reply.result)).toMatchObject({ email: "jane.doe@example.com" });
  });

  for (const [what, state] of [
    ["made up", async () => "eyJzdGVwIjoxfQ"],
    [
      "sealed with another key",
      async () => sealed(requestStateKeyFrom("another-secret-of-enough-length-0123"), "open", "tools/call"),
    ],
    ["sealed for another caller", async () => sealed(ownKey, `t:${TOKEN}`, "tools/call")],
    ["sealed for another method", async () => sealed(ownKey, "open", "resources/read")],
  ] as const) {
    it(`refuses state ${what} with -32602, and runs nothing`, async () => {
      const reply = await callWith(await state());
      expect(reply.result).toBeUndefined();
      expect(reply.error?.code).toBe(-32602);
      expect(reply.error?.message).toMatch(/requestState/);
    });
  }

  it("refuses state with a byte changed", async () => {
    const good = await sealed(ownKey, "open", "tools/call");
    const flipped = `${good.slice(0, 10)}${good[10] === "A" ? "B" : "A"}${good.slice(11)}`;
    const reply = await callWith(flipped);
    expect(reply.error?.code).toBe(-32602);
  });
});
