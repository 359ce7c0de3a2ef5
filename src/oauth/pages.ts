// The two pages a person sees on this server while signing in: which client asks for access (so
// a link from someone else's client cannot pass for your own), and a dead end with a reason. No
// scripts, no outside assets; every value is escaped.
import { createHash } from "node:crypto";

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const STYLE =
  "body{font:16px system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}button{font:inherit;padding:.5rem 1rem;margin-right:.5rem}";

/**
 * Nothing loads but the page's one style (by hash), nothing frames it. No form-action: approving
 * goes on to RevCent, and the end of a sign-in to the client's own redirect URI, other origins both.
 */
export const PAGE_HEADERS = {
  "content-security-policy": `default-src 'none'; style-src 'sha256-${createHash("sha256").update(STYLE).digest("base64")}'; frame-ancestors 'none'; base-uri 'none'`,
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  // Not no-referrer: with it Chromium sends `Origin: null` on the form's POST, which the server's
  // origin check (DNS-rebinding protection) rightly refuses.
  "referrer-policy": "same-origin",
  "cache-control": "no-store",
};

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escape(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;

export function consentPage(clientName: string, redirectHost: string, uid: string): string {
  return page(
    "Connect RevCent",
    `<h1>Connect RevCent</h1><p><strong>${escape(clientName)}</strong> wants to use your RevCent account through revcent-mcp. After you agree here, RevCent asks you to sign in and confirm.</p><p>Access is returned to <strong>${escape(redirectHost)}</strong>. If you did not start this from your own MCP client, cancel.</p><form method="post" action="/interaction/${encodeURIComponent(uid)}"><button type="submit" name="decision" value="approve">Continue to RevCent</button><button type="submit" name="decision" value="deny">Cancel</button></form>`,
  );
}

export function errorPage(message: string): string {
  return page("Sign-in stopped", `<h1>Sign-in stopped</h1><p>${escape(message)}</p>`);
}
