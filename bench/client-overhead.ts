// RevCentClient's cost per call against a bare undici request to the same sandbox route, measured
// interleaved in one process. Bundled and run by bench/run.mjs.
import { readFileSync } from "node:fs";
import { pino } from "pino";
import { Pool } from "undici";
import { Policy } from "../src/operations/policy.js";
import { RevCentClient } from "../src/client/revcent-client.js";
import { startSandbox } from "../src/sandbox/index.js";
import { SEED_IDS } from "../src/sandbox/seed.js";
import { loadOperations } from "../src/operations/openapi.js";

export async function measureClientOverhead(specPath: string, calls = 3000) {
  const spec = JSON.parse(readFileSync(specPath, "utf8"));
  const operations = loadOperations(spec);
  const op = operations.find((o) => o.id === "GetCustomer")!;
  const sandbox = await startSandbox({ spec });
  const url = new URL(sandbox.url);
  const client = new RevCentClient({
    baseUrl: sandbox.url,
    apiKey: "sandbox-key",
    logger: pino({ level: "silent" }),
    timeoutMs: 10_000,
    policy: Policy.fromConfig(
      { profile: "operator", toolsets: ["all"], tools: [], denyTools: [], readOnly: false, guard: false },
      operations,
    ),
  });
  const bare = new Pool(url.origin, { connections: 16 });
  const path = `${url.pathname}/customers/${SEED_IDS.customer}`;
  const bareCall = async () => {
    const res = await bare.request({
      method: "GET",
      path,
      headers: { "x-api-key": "sandbox-key", accept: "application/json" },
    });
    return res.body.json();
  };
  const clientCall = () => client.call(op, { customer_id: SEED_IDS.customer });
  const time = async (fn: () => Promise<unknown>) => {
    const t = process.hrtime.bigint();
    await fn();
    return Number(process.hrtime.bigint() - t) / 1e6;
  };
  for (let i = 0; i < 300; i++) {
    await bareCall();
    await clientCall();
  }
  const bareMs: number[] = [];
  const clientMs: number[] = [];
  for (let i = 0; i < calls; i++) {
    // Alternate which goes first so neither always follows the other's garbage.
    if (i % 2) {
      bareMs.push(await time(bareCall));
      clientMs.push(await time(clientCall));
    } else {
      clientMs.push(await time(clientCall));
      bareMs.push(await time(bareCall));
    }
  }
  await client.close();
  await bare.close();
  await sandbox.close();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { calls, bareMedianMs: median(bareMs), clientMedianMs: median(clientMs) };
}
