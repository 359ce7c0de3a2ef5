// A 2026-07-28 client may hold a subscriptions/listen stream open indefinitely. Shutdown must not
// take it for a call in progress and wait out the drain deadline: it ends the stream gracefully
// (the client sees the listen result) and stops. The drain deadline here is longer than the test's
// own timeout, so waiting on it would fail the test.
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { expect, it } from "vitest";
import { startHttpInProcess } from "../helpers/in-process.js";

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
