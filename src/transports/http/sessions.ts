// Open protocol sessions, each bound to the caller that opened it. A session of another caller is
// as unknown as a made-up id; an idle one is closed by a sweep; a busy one is never swept.
import type { McpServer } from "@modelcontextprotocol/server";
import type { NodeStreamableHTTPServerTransport } from "@modelcontextprotocol/node";

interface Session {
  transport: NodeStreamableHTTPServerTransport;
  server: McpServer;
  principal: string;
  lastSeen: number;
  busy: number;
}

export class SessionTable {
  private readonly sessions = new Map<string, Session>();
  /** Open sessions per caller: when a caller's last one closes, what was kept for them can go. */
  private readonly perCaller = new Map<string, number>();

  constructor(
    private readonly idleMs: number,
    private readonly now: () => number = Date.now,
    private readonly lastClosed: (principal: string) => void = () => {},
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  open(id: string, transport: NodeStreamableHTTPServerTransport, server: McpServer, principal: string): void {
    this.sessions.set(id, { transport, server, principal, lastSeen: this.now(), busy: 0 });
    this.perCaller.set(principal, (this.perCaller.get(principal) ?? 0) + 1);
  }

  forget(id: string): void {
    const session = this.sessions.get(id);
    if (!session) return;
    this.sessions.delete(id);
    const left = (this.perCaller.get(session.principal) ?? 1) - 1;
    if (left > 0) this.perCaller.set(session.principal, left);
    else {
      this.perCaller.delete(session.principal);
      this.lastClosed(session.principal);
    }
  }

  /** The caller's own session with this id, if it is open. */
  find(id: string, principal: string): Session | undefined {
    const session = this.sessions.get(id);
    return session && session.principal === principal ? session : undefined;
  }

  /** Runs a request in the session: it is busy meanwhile, and seen when it starts and ends. */
  async use(session: Session, work: () => Promise<void>): Promise<void> {
    session.busy += 1;
    session.lastSeen = this.now();
    try {
      await work();
    } finally {
      session.busy -= 1;
      session.lastSeen = this.now();
    }
  }

  closeIdle(): void {
    const now = this.now();
    for (const [id, session] of this.sessions) {
      if (session.busy === 0 && now - session.lastSeen > this.idleMs) {
        this.forget(id);
        void session.transport.close();
        void session.server.close();
      }
    }
  }

  async closeAll(): Promise<void> {
    for (const session of this.sessions.values()) {
      await session.transport.close().catch(() => undefined);
      await session.server.close().catch(() => undefined);
    }
    this.sessions.clear();
    this.perCaller.clear();
  }
}
