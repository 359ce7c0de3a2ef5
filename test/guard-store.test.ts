// The guard's state and handles, with the clock injected: idle expiry in memory (the contract
// suite holds what every store does), and handles that cannot be forged.
import { describe, expect, it } from "vitest";
import { GUARD_LIMITS } from "../src/guard/guard.js";
import { HANDLE_LIFETIME_MS, VerificationHandles } from "../src/guard/handle.js";
import { MemoryGuardStore } from "../src/guard/store.js";
import { guardStoreContract } from "./helpers/guard-store-contract.js";

const key = { credential: "c1", session: "s1", customer: "cus0000000000000jane" };
const MIN = 60_000;

describe("MemoryGuardStore", () => {
  it("a verification lapses after 15 idle minutes, and each use restarts the idle time", async () => {
    let now = 0;
    const store = new MemoryGuardStore(() => now);
    await store.grant(key, GUARD_LIMITS.idleMs);
    now = 14 * MIN;
    expect(await store.isGranted(key, GUARD_LIMITS.idleMs)).toBe(true);
    now = 28 * MIN; // 14 idle minutes since the last use
    expect(await store.isGranted(key, GUARD_LIMITS.idleMs)).toBe(true);
    now = 43 * MIN + 1; // 15 minutes and a bit
    expect(await store.isGranted(key, GUARD_LIMITS.idleMs)).toBe(false);
    expect(await store.isGranted(key, GUARD_LIMITS.idleMs)).toBe(false);
  });
});

guardStoreContract("MemoryGuardStore", (now) => new MemoryGuardStore(now));

describe("VerificationHandles", () => {
  it("reads back what it minted, and nothing tampered or foreign", () => {
    const handles = new VerificationHandles();
    const handle = handles.mint(key, "t:bot-a");
    expect(handles.read(handle, "t:bot-a")).toEqual(key);
    const [payload, signature] = handle.split(".");
    const forged = Buffer.from(
      JSON.stringify({ c: "c1", s: "s1", u: "cus000000000000other", p: "t:bot-a", t: Date.now(), n: "x" }),
    ).toString("base64url");
    expect(handles.read(`${forged}.${signature}`, "t:bot-a")).toBeUndefined();
    // The first character carries six bits of the signature's first byte: changing it always changes
    // the bytes (the last character's low bits are padding, so changing that one may not).
    const tampered = `${signature![0] === "A" ? "B" : "A"}${signature!.slice(1)}`;
    expect(handles.read(`${payload}.${tampered}`, "t:bot-a")).toBeUndefined();
    expect(handles.read(`${payload}`, "t:bot-a")).toBeUndefined();
    expect(handles.read(`${handle}.extra`, "t:bot-a")).toBeUndefined();
    expect(new VerificationHandles().read(handle, "t:bot-a")).toBeUndefined(); // another server's secret
  });

  it("[principal] a handle presented by another principal of the same credential is refused", () => {
    const handles = new VerificationHandles();
    const handle = handles.mint(key, "t:bot-a");
    expect(handles.read(handle, "t:bot-b")).toBeUndefined();
    expect(handles.read(handle, "k:c1")).toBeUndefined();
  });

  it("[lifetime] a handle lapses 60 minutes after issue, however often it was read", () => {
    let now = 1_000_000;
    const handles = new VerificationHandles(undefined, () => now);
    const handle = handles.mint(key, "p");
    for (let minute = 0; minute < 60; minute += 5) {
      now = 1_000_000 + minute * MIN;
      expect(handles.read(handle, "p"), `minute ${minute}`).toEqual(key);
    }
    now = 1_000_000 + HANDLE_LIFETIME_MS - 1;
    expect(handles.read(handle, "p")).toEqual(key);
    now = 1_000_000 + HANDLE_LIFETIME_MS;
    expect(handles.read(handle, "p")).toBeUndefined();
    now = 1_000_000 - 1; // issued in the future: not ours to trust
    expect(handles.read(handle, "p")).toBeUndefined();
  });
});
