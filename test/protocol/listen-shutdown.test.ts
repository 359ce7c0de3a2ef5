// 2026-07-28 subscriptions/listen streams hold a connection each for as long as they are open.
// Shutdown must not take one for a call in progress and wait out the drain deadline: it ends the
// stream gracefully (the client sees the listen result) and stops; the drain deadline here is
// longer than the test's own timeout, so waiting on it would fail the test. A caller may hold only
// a few at once, and none for longer than a session may sit idle, or a handful of callers (in BYOK,
// anyone with made-up keys) could hold every connection.
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, expect, it } from "vitest";
import { MAX_LISTENS_PER_CALLER } from "../../src/transports/http/listens.js";
import { startHttpInProcess } from "../helpers/in-process.js";
import { newSandbox, type Sandbox } from "../http/helpers.js";
import { modernPost } from "./modern-request.js";

// Callers' own keys are asked about upstream before anything is opened for them: the sandbox
// accepts these three.
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await newSandbox(["caller-key-1", "caller-key-2", "caller-key-3"]);
});
afterAll(() => sandbox?.close());

it("shutdown ends an open listen stream gracefully instead of waiting for it", async () => {
  const http = await startHttpInProcess(["--sandbox"], {}, { overrides: { drainMs: 60_000 } });
  const client = new Client(
    { name: "listener", version: "0.0.0" },
    { versionNegotiation: { mode: { pin: "2026-07-28" } } },
  );
  try {
    await client.connect(new StreamableHTTPClientTransport(new URL(http.url)));
    const subscription = await client.listen({ toolsListChanged: true, promptsListChanged: true });
    await http.close();
    expect(await subscription.closed).toBe("graceful");
  } finally {
    await client.close();
    await http.close();
  }
});

/**
 * A raw listen stream, as a client that wants to be told of changes opens it (the SDK's own client
 * closes a stream at once when the server honours nothing of its filter, which ours never does).
 */
async function openListen(url: string, key: string): Promise<{ status: number; ended: Promise<string> }> {
  const res = await modernPost(
    url,
    "subscriptions/listen",
    { notifications: { resourcesListChanged: true } },
    { "x-api-key": key },
  );
  // Resolves with what was read when the server ends the stream (or cuts the connection).
  const ended = res.text().catch(() => "cut");
  return { status: res.status, ended };
}

it(`a caller may hold ${MAX_LISTENS_PER_CALLER} listen streams at once; another caller is not affected`, async () => {
  const http = await startHttpInProcess(["--api-url", sandbox.url]);
  try {
    const held = [];
    for (let i = 0; i < MAX_LISTENS_PER_CALLER; i++) {
      const stream = await openListen(http.url, "caller-key-1");
      expect(stream.status).toBe(200);
      held.push(stream);
    }
    const refused = await openListen(http.url, "caller-key-1");
    expect(refused.status).toBe(429);
    expect(await refused.ended).toMatch(/Too many open listen streams/);
    expect((await openListen(http.url, "caller-key-2")).status).toBe(200);
  } finally {
    await http.close();
  }
});

it("a listen stream ends when it has been open as long as a session may sit idle", async () => {
  const http = await startHttpInProcess(["--api-url", sandbox.url], {}, { overrides: { idleMs: 200 } });
  try {
    const stream = await openListen(http.url, "caller-key-3");
    expect(stream.status).toBe(200);
    // The server cuts the connection after its lifetime; the client re-listens if it still wants to.
    await stream.ended;
  } finally {
    await http.close();
  }
});
