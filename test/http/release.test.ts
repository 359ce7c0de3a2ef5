// What the server keeps for a caller (their RevCent client and guard, their key's acceptance) goes
// with their last session: a caller who leaves leaves nothing behind, and one with a session still
// open keeps theirs.
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  connectClient,
  newSandbox,
  SANDBOX_KEY,
  SEED_IDS,
  startHttp,
  type HttpServer,
  type Sandbox,
} from "./helpers.js";

const SECOND_KEY = "test-key-abc";
let sandbox: Sandbox;
let s: HttpServer;
beforeAll(async () => {
  sandbox = await newSandbox([SECOND_KEY]);
  s = await startHttp(["--api-url", sandbox.url]);
});
afterAll(async () => {
  await s.stop();
  await sandbox.close();
});

it("a caller's client and guard are freed with their last session, not before", async () => {
  const a = await connectClient(s.url, { "x-api-key": SANDBOX_KEY });
  const b1 = await connectClient(s.url, { "x-api-key": SECOND_KEY });
  const b2 = await connectClient(s.url, { "x-api-key": SECOND_KEY });
  for (const c of [a, b1, b2])
    expect((await c.call("GetCustomer", { customer_id: SEED_IDS.customer })).isError).toBe(false);
  expect([s.sessions(), s.cachedCallers()]).toEqual([3, 2]);

  await a.transport.terminateSession();
  expect([s.sessions(), s.cachedCallers()]).toEqual([2, 1]);
  await b1.transport.terminateSession();
  expect([s.sessions(), s.cachedCallers()], "b2 is still open").toEqual([1, 1]);
  expect((await b2.call("GetCustomer", { customer_id: SEED_IDS.customer })).isError).toBe(false);
  await b2.transport.terminateSession();
  expect([s.sessions(), s.cachedCallers()]).toEqual([0, 0]);
  for (const c of [a, b1, b2]) await c.close();
});
