// A client id is a URL the server fetches on an attacker's say-so. The private network must stay
// out of reach however the address is spelled or resolved: an IPv4-mapped IPv6 literal (which
// URL parsing turns to hex), and a name that resolves to a public address when checked and to a
// private one when fetched (DNS rebinding). Each case counts connections to a listener on loopback.
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// The check's resolver says "public" for localhost; whatever connects resolves for itself (to
// loopback): a rebinding, with no DNS server needed. A connection to the listener is the SSRF.
vi.mock("node:dns/promises", async (original) => {
  const real = await original<typeof import("node:dns/promises")>();
  const lookup = (async (host: string, options?: unknown) =>
    host === "localhost"
      ? [{ address: "93.184.215.14", family: 4 }]
      : real.lookup(host, options as never)) as typeof real.lookup;
  return { ...real, default: { ...real, lookup }, lookup };
});

const { withClientMetadataDocuments } = await import("../../src/oauth/client-metadata-documents.js");
const { memoryAdapter } = await import("../../src/oauth/memory-provider-store.js");

let listener: Server;
let port: number;
let connections = 0;
const sockets = new Set<Socket>();
beforeAll(async () => {
  listener = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.destroy();
  });
  await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
  port = (listener.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => listener.close(resolve));
});

const clients = () => withClientMetadataDocuments(memoryAdapter(), { allowLoopback: false })("Client");

describe("a client metadata document URL", () => {
  it("is not fetched from loopback spelled as an IPv4-mapped IPv6 address", async () => {
    const before = connections;
    for (const host of ["[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[0:0:0:0:0:ffff:7f00:1]"]) {
      const found = await clients().find(`https://${host}:${port}/client.json`);
      expect(found).toBeUndefined();
    }
    expect(connections - before, "connections reached loopback").toBe(0);
  });

  it("is not fetched from an address the name resolves to after the check (DNS rebinding)", async () => {
    const before = connections;
    const found = await clients().find(`https://localhost:${port}/client.json`);
    expect(found).toBeUndefined();
    expect(connections - before, "connections reached loopback").toBe(0);
  });
});

describe("which addresses count as public", () => {
  it("reads IPv4 inside IPv6 in every spelling, and the reserved ranges of both", async () => {
    const { isPublic } = await import("../../src/oauth/client-metadata-documents.js");
    for (const address of [
      "127.0.0.1",
      "10.1.2.3",
      "169.254.169.254",
      "192.0.0.8",
      "198.18.0.1",
      "::1",
      "::",
      "::ffff:7f00:1",
      "::ffff:127.0.0.1",
      "0:0:0:0:0:ffff:a9fe:a9fe",
      "::7f00:1",
      "64:ff9b::a00:1",
      "2002:a00:1::",
      "fd00::1",
      "fe80::1",
      "fec0::1",
      "ff02::1",
    ])
      expect(isPublic(address), address).toBe(false);
    for (const address of ["93.184.215.14", "::ffff:5db8:d70e", "2606:4700::1111", "64:ff9b::808:808"])
      expect(isPublic(address), address).toBe(true);
  });
});
