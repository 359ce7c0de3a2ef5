// Abuse without a credential, as an attacker would try it: a flood of initialize requests, each with
// a random x-api-key, from one address. Every value passes the header check, so RevCent must judge
// each key before anything is opened for it, and the address pays for keys nobody has seen accepted:
// the flood gets 401s and then 429s, opens no session, asks RevCent only a bounded number of times,
// and a caller whose key is known is served throughout.
import { randomUUID } from "node:crypto";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  connectClient,
  initializeRequest,
  newSandbox,
  post,
  recordingProxy,
  SANDBOX_KEY,
  SEED_IDS,
  startHttp,
  type HttpServer,
  type RecordingProxy,
  type Sandbox,
} from "./helpers.js";

const FLOOD = 10_000;
/** What the flood may leave behind in the server's heap, measured after a full collection. */
const RETAINED_LIMIT_BYTES = 30 * 1024 * 1024;

/** A full garbage collection, so what is measured is what the server keeps, not what it has not freed yet. */
setFlagsFromString("--expose-gc");
const collect = runInNewContext("gc") as () => void;
const retainedHeap = () => {
  collect();
  collect();
  return process.memoryUsage().heapUsed;
};
const AT_ONCE = 50;
const RATE = 20;

describe("a flood of random keys from one address", () => {
  let sandbox: Sandbox;
  let proxy: RecordingProxy;
  let s: HttpServer;
  beforeAll(async () => {
    sandbox = await newSandbox();
    proxy = await recordingProxy(sandbox);
    s = await startHttp(["--api-url", proxy.url, "--rate-limit", String(RATE)]);
  });
  afterAll(async () => {
    await s?.stop();
    await proxy?.close();
    await sandbox?.close();
  });

  it("opens no session, asks RevCent a bounded number of times, and a known caller is served throughout", async () => {
    const known = await connectClient(s.url, { "x-api-key": SANDBOX_KEY });
    try {
      const heapBefore = retainedHeap();
      const checksBefore = proxy.seen.length;
      const started = Date.now();
      const statuses = new Map<number, number>();
      let next = 0;
      const knownCalls: boolean[] = [];
      const flooder = async () => {
        while (next < FLOOD) {
          const n = ++next;
          const r = await post(s.url, initializeRequest(), { "x-api-key": `random-${randomUUID()}` });
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          if (n % 200 === 0) {
            const call = await known.call("GetCustomer", { customer_id: SEED_IDS.customer });
            knownCalls.push(!call.isError);
          }
        }
      };
      await Promise.all(Array.from({ length: AT_ONCE }, flooder));
      const seconds = (Date.now() - started) / 1000;

      expect([...statuses.keys()].sort()).toEqual([401, 429]);
      expect(s.sessions(), "only the known caller's session is open").toBe(1);
      expect(s.cachedCallers(), "only the known caller's client and guard are kept").toBe(1);
      // The address's bucket: a burst of twice the rate, then the rate per second.
      const admitted = statuses.get(401)!;
      expect(admitted).toBeLessThanOrEqual(2 * RATE + Math.ceil(seconds * RATE) + 1);
      expect(proxy.seen.length - checksBefore - knownCalls.length, "one upstream check per admitted key").toBe(
        admitted,
      );
      expect(knownCalls.length).toBeGreaterThan(0);
      expect(knownCalls.every(Boolean), "the known caller was refused during the flood").toBe(true);
      // The server runs in this process: what the flood left in the heap is the server's.
      const grown = retainedHeap() - heapBefore;
      console.log(`flood of ${FLOOD}: heap retained +${(grown / 1048576).toFixed(1)} MB`);
      expect(grown).toBeLessThan(RETAINED_LIMIT_BYTES);
    } finally {
      await known.close();
    }
  }, 120_000);
});
