// The person behind the client, as far as one tools/call can reach them: whether the client can
// show a form (declared on its 2025 session, or in a 2026 request's envelope), the answer a retried
// round carries, and request state sealed to this caller. The SDK delivers a 2025 client's answer
// the same way (its shim sends a real elicitation/create and calls the handler again), so the gate
// is written once for both revisions.
import {
  CLIENT_CAPABILITIES_META_KEY,
  inputResponse,
  type ClientCapabilities,
  type RequestStateCodec,
} from "@modelcontextprotocol/server";
import type { ConfirmState, HumanChannel } from "./money-gate.js";
import type { RequestExtra } from "./session-operations.js";

/** Form elicitation: declared as `elicitation: {}` (form implied) or with `form`; URL-only is not enough. */
function canElicitForm(capabilities: ClientCapabilities | undefined): boolean {
  const elicitation = capabilities?.elicitation as Record<string, unknown> | undefined;
  return elicitation !== undefined && (elicitation.form !== undefined || elicitation.url === undefined);
}

export function humanChannel(
  extra: RequestExtra,
  sessionCapabilities: ClientCapabilities | undefined,
  codec: RequestStateCodec,
): HumanChannel {
  // The SDK types the envelope loosely; its capabilities entry is the client's ClientCapabilities.
  const envelope = (extra.mcpReq.envelope as Record<string, unknown> | undefined)?.[CLIENT_CAPABILITIES_META_KEY] as
    | ClientCapabilities
    | undefined;
  return {
    canElicit: canElicitForm(envelope ?? sessionCapabilities),
    answer() {
      const view = inputResponse(extra.mcpReq.inputResponses, "confirm");
      if (view.kind !== "elicit") return undefined;
      return { action: view.action, confirmed: view.content?.confirm === true };
    },
    state: () => extra.mcpReq.requestState(),
    seal: (payload: ConfirmState) => codec.mint(payload, extra),
  };
}
