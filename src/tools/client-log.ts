// MCP logging: a client that asks (logging/setLevel) gets one notifications/message per operation
// call — which operation, its outcome code, how long it took — never arguments, results or keys.
// A client that never sets a level gets nothing: the server's own logs go to stderr (pino), and
// an unasked-for stream of notifications would only cost the client context.
import type { McpServer } from "@modelcontextprotocol/server";
import type { LoggingLevel, ServerNotification } from "@modelcontextprotocol/server";

/** MCP's logging levels, least severe first (RFC 5424's, as the specification lists them). */
const LEVELS: readonly LoggingLevel[] = [
  "debug",
  "info",
  "notice",
  "warning",
  "error",
  "critical",
  "alert",
  "emergency",
];

const SEVERITY: ReadonlyMap<LoggingLevel, number> = new Map(LEVELS.map((level, rank) => [level, rank]));
const CLIENT_LOGGER = "revcent-mcp";

/** The event each way of reaching an operation reports. */
const EVENTS = { tool: "tool_call", resource: "resource_read", prompt: "prompt_get" } as const;

export interface OperationEvent {
  /** How the operation was reached. */
  via: "tool" | "resource" | "prompt";
  /** A tool or operation name the session knows; never a name the client made up. */
  name: string;
  /** `ok`, or the stable error code of the failure. */
  outcome: string;
  durationMs: number;
}

/** Sends a notification on the request being answered (over HTTP, that request's stream). */
export type Notify = (notification: ServerNotification) => Promise<void>;

export class ClientLog {
  /** Unset until the client asks; one McpServer serves one session, so one level is enough. */
  private level: LoggingLevel | undefined;

  /**
   * Call before the server connects: it declares the logging capability. Without a server (a
   * stateless one, built per request, would forget the level with the request that set it) no
   * capability is declared and nothing is ever sent.
   */
  constructor(server: McpServer | undefined) {
    if (!server) return;
    server.server.registerCapabilities({ logging: {} });
    server.server.setRequestHandler("logging/setLevel", (request) => {
      this.level = request.params.level;
      return {};
    });
  }

  private wants(level: LoggingLevel): boolean {
    return this.level !== undefined && SEVERITY.get(level)! >= SEVERITY.get(this.level)!;
  }

  async operation(notify: Notify | undefined, event: OperationEvent): Promise<void> {
    const level: LoggingLevel = event.outcome === "ok" ? "info" : "warning";
    if (!notify || !this.wants(level)) return;
    const data = {
      event: EVENTS[event.via],
      name: event.name,
      outcome: event.outcome,
      duration_ms: Math.round(event.durationMs),
    };
    // A client that went away cannot be told; the call's own answer is what matters.
    await notify({ method: "notifications/message", params: { level, logger: CLIENT_LOGGER, data } }).catch(
      () => undefined,
    );
  }
}
