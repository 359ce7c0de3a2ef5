// Whether RevCent accepts an API key, asked with one request that reads nothing: a customer id that
// cannot exist. 401 means no; any other answer below 500 means the key got past RevCent's
// authentication. The HTTP transport asks this of a key it has not seen before it opens anything
// for it, so made-up keys cannot fill its sessions or its memory.
import { ID_LENGTH } from "../operations/operation.js";
import type { UpstreamPool } from "./upstream-pool.js";

export type KeyVerdict = "valid" | "invalid" | "unavailable";

const NOBODY = `cus${"0".repeat(ID_LENGTH - 3)}`;

export async function checkKey(
  pool: UpstreamPool,
  apiUrl: string,
  apiKey: string,
  timeoutMs: number,
): Promise<KeyVerdict> {
  const base = new URL(apiUrl).pathname.replace(/\/$/, "");
  try {
    const upstream = await pool.get();
    const res = await upstream.request({
      method: "GET",
      path: `${base}/customers/${NOBODY}`,
      headers: { "x-api-key": apiKey, accept: "application/json" },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    await res.body.dump();
    if (res.statusCode === 401) return "invalid";
    return res.statusCode < 500 ? "valid" : "unavailable";
  } catch {
    return "unavailable";
  }
}
