// The request state of 2026-07-28 multi-round calls (a call that asks the human something and is
// sent again with the answer): an opaque string the client echoes back, so untrusted input. It is
// HMAC-sealed with a key every instance shares, bound to the method and to who is calling, and
// lapses after ten minutes; anything else the client sends back is refused (-32602) before any
// handler runs.
import { createRequestStateCodec, type RequestStateCodec } from "@modelcontextprotocol/server";

/** How long a minted request state stays valid. */
export const REQUEST_STATE_TTL_SECONDS = 600;

/** A codec for one caller: state minted for one principal or method is refused for another. */
export function requestStateCodec(key: Uint8Array, principal: string): RequestStateCodec {
  return createRequestStateCodec({
    key,
    ttlSeconds: REQUEST_STATE_TTL_SECONDS,
    bind: (ctx) => `${ctx.mcpReq.method}\0${principal}`,
  });
}
