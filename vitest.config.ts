import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Most files run the server in-process and wait on events, not on spawned processes: every
    // core can run a file (vitest's default leaves one idle, which on 2 cores is half the machine),
    // and worker threads start faster than forked processes. Nothing here uses chdir or signals.
    pool: "threads",
    maxWorkers: "100%",
    // A worker keeps its modules between files: importing the SDK, zod and the spec once per
    // worker instead of once per file halves the run. Tests share no module state they change
    // (no mocks, stubs or fake timers; clocks are injected per server).
    isolate: false,
    // `npm run coverage`: lines of src/ run by the test process (in-process tests; a spawned
    // server's lines are not counted).
    coverage: {
      provider: "v8",
      include: ["src/**/*.ts"],
      reporter: ["text-summary", "json-summary"],
    },
  },
});
