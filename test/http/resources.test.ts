// Resources and MCP logging over streamable HTTP (bring-your-own-key, the server in-process), with a recording proxy in
// front of the sandbox: BigQuery schemas are fetched once per credential and shared by that
// credential's sessions, never by another's; a session's log messages arrive on its own calls.
import { LoggingMessageNotificationSchema, type LoggingMessageNotification } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  SANDBOX_KEY,
  SEED_IDS,
  connectClient,
  newSandbox,
  recordingProxy,
  startHttp,
  type HttpServer,
  type RecordingProxy,
  type Sandbox,
} from "./helpers.js";

/** Another account's key, which the sandbox accepts too. */
const STRANGER_KEY = "someone-elses-key";
let sandbox: Sandbox;
let proxy: RecordingProxy;
let server: HttpServer;
beforeAll(async () => {
  sandbox = await newSandbox([STRANGER_KEY]);
  proxy = await recordingProxy(sandbox);
  server = await startHttp(["--api-url", proxy.url]);
});
afterAll(async () => {
  await server?.stop();
  await proxy?.close();
  await sandbox?.close();
});

const tableReads = () => proxy.seen.filter((r) => r.path.endsWith("/bigquery_tables")).length;

describe("resources over streamable HTTP", () => {
  it("caches BigQuery schemas per credential: one upstream read for two sessions of a key, none shared with another key", async () => {
    const first = await connectClient(server.url, { "x-api-key": SANDBOX_KEY });
    const second = await connectClient(server.url, { "x-api-key": SANDBOX_KEY });
    const stranger = await connectClient(server.url, { "x-api-key": STRANGER_KEY });
    try {
      const before = tableReads();
      const a = await first.client.readResource({ uri: "revcent://bigquery/tables" });
      const b = await second.client.readResource({ uri: "revcent://bigquery/tables" });
      expect(b.contents[0]).toEqual(a.contents[0]);
      expect(tableReads() - before).toBe(1);
      // Another credential never sees the first one's tables: it asks RevCent itself, and here RevCent
      // refuses (401 on this one read: the key was accepted when the session opened, then revoked).
      sandbox.faults.add({
        match: { operationId: "GetBigQueryTables" },
        fault: { kind: "status", status: 401 },
        times: 1,
      });
      await expect(stranger.client.readResource({ uri: "revcent://bigquery/tables" })).rejects.toThrow(
        /\[unauthorized\]/,
      );
      expect(tableReads() - before).toBe(2);
      // A failure is kept half a minute for that credential alone: the stranger asking again gets
      // the same answer without another upstream read, and the first key still reads its tables.
      await expect(stranger.client.readResource({ uri: "revcent://bigquery/tables" })).rejects.toThrow(
        /\[unauthorized\]/,
      );
      expect(tableReads() - before).toBe(2);
      expect((await first.client.readResource({ uri: "revcent://bigquery/tables" })).contents[0]).toEqual(
        a.contents[0],
      );
    } finally {
      await Promise.all([first.close(), second.close(), stranger.close()]);
    }
  });

  it("a shared schema load outlives the session that started it: its cancellation does not fail another's read", async () => {
    const starter = await connectClient(server.url, { "x-api-key": SANDBOX_KEY });
    const waiter = await connectClient(server.url, { "x-api-key": SANDBOX_KEY });
    // Nothing cached for this table yet; RevCent answers it slowly.
    sandbox.faults.add({ match: { operationId: "GetBigQueryTable" }, fault: { kind: "latency", ms: 600 }, times: 1 });
    try {
      const uri = "revcent://bigquery/tables/customers";
      const cancel = new AbortController();
      const tableLoads = () => proxy.seen.filter((r) => r.path.endsWith("/bigquery_tables/customers")).length;
      const before = tableLoads();
      const started = starter.client.readResource({ uri }, { signal: cancel.signal });
      // The starter's load is on its way to RevCent (held there 600 ms) before the waiter asks.
      await vi.waitFor(() => expect(sandbox.faults.hits.map((h) => h.operationId)).toContain("GetBigQueryTable"), {
        interval: 10,
      });
      const waited = waiter.client.readResource({ uri });
      cancel.abort();
      await expect(started).rejects.toThrow();
      const answer = await waited;
      expect(JSON.stringify(answer.contents[0])).toContain("customers");
      // The waiter got the starter's load, not one of its own: had the cancellation ended that load,
      // the waiter would have failed with it, or (asking after it failed) loaded the table again.
      expect(tableLoads() - before).toBe(1);
    } finally {
      sandbox.faults.clear();
      await Promise.all([starter.close(), waiter.close()]);
    }
  });

  it("sends a session's log messages on its own calls, and only to a session that set a level", async () => {
    const logged = await connectClient(server.url, { "x-api-key": SANDBOX_KEY });
    const quiet = await connectClient(server.url, { "x-api-key": SANDBOX_KEY });
    const got = {
      logged: [] as LoggingMessageNotification["params"][],
      quiet: [] as LoggingMessageNotification["params"][],
    };
    logged.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void got.logged.push(n.params));
    quiet.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void got.quiet.push(n.params));
    try {
      await logged.client.setLoggingLevel("debug");
      await logged.call("GetCustomer", { customer_id: SEED_IDS.customer });
      await quiet.call("GetCustomer", { customer_id: SEED_IDS.customer });
      await quiet.client.readResource({ uri: `revcent://customers/${SEED_IDS.customer}` });
      expect(got.logged.map((m) => m.data)).toEqual([
        { event: "tool_call", name: "GetCustomer", outcome: "ok", duration_ms: expect.any(Number) },
      ]);
      expect(got.quiet).toEqual([]);
    } finally {
      await Promise.all([logged.close(), quiet.close()]);
    }
  });
});
