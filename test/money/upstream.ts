// What money tests share: a sandbox behind a recording proxy for the whole file (so a test can
// count what reached RevCent), and the text of a tool result.
import { afterAll, beforeAll } from "vitest";
import { newSandbox, recordingProxy, type RecordingProxy, type Sandbox } from "../http/helpers.js";

export interface RecordedSandbox {
  readonly sandbox: Sandbox;
  readonly proxy: RecordingProxy;
  /** POSTs whose path contains `segment` that reached the sandbox so far. */
  posts(segment: string): number;
}

/** Call at the top level of a test file: started before its first test, closed after its last. */
export function recordedSandbox(): RecordedSandbox {
  let sandbox: Sandbox | undefined;
  let proxy: RecordingProxy | undefined;
  beforeAll(async () => {
    sandbox = await newSandbox();
    proxy = await recordingProxy(sandbox);
  });
  afterAll(async () => {
    await proxy?.close();
    await sandbox?.close();
  });
  return {
    get sandbox() {
      return sandbox!;
    },
    get proxy() {
      return proxy!;
    },
    posts: (segment) => proxy!.seen.filter((r) => r.method === "POST" && r.path.includes(segment)).length,
  };
}

/** The first text of a tool result. */
export const textOf = (result: unknown): string =>
  ((result as { content: { text: string }[] }).content[0]?.text ?? "") as string;
