// A browser for the attack tests: it keeps cookies by host and path as a real one does (an
// interaction's cookie goes only to that interaction's path), follows redirects, answers forms,
// and can stop anywhere, so a test can hand a URL from one person's browser to another's.

export type Answer = "approve" | "deny";

interface Cookie {
  name: string;
  value: string;
  path: string;
}

export interface Walk {
  /** Where the walk ended: the URL that matched `stopAt`, or the last page. */
  url: URL;
  /** The pages (not redirects) shown on the way, by path. */
  pages: string[];
  status: number;
}

export class Browser {
  private readonly jar = new Map<string, Cookie[]>();

  /**
   * Follows from `start` until a URL matches `stopAt` (not requested), answering our page with
   * `ours` and RevCent's with `revcent`; a page without a form ends the walk.
   */
  async walk(
    start: URL,
    stopAt: (url: URL) => boolean,
    ours: Answer = "approve",
    revcent: Answer = "approve",
  ): Promise<Walk> {
    const pages: string[] = [];
    let url = start;
    let init: RequestInit = { method: "GET" };
    for (let step = 0; step < 25; step++) {
      if (stopAt(url)) return { url, pages, status: 0 };
      const res = await this.request(url, init);
      if (res.status >= 300 && res.status < 400) {
        await res.body?.cancel();
        url = new URL(res.headers.get("location")!, url);
        init = { method: "GET" };
        continue;
      }
      const html = await res.text();
      pages.push(url.pathname);
      const form = /<form[^>]*method="post"[^>]*action="([^"]+)"/i.exec(html);
      if (res.status !== 200 || !form) return { url, pages, status: res.status };
      const fields = new URLSearchParams();
      for (const [, name, value] of html.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/gi))
        fields.set(name!, value!);
      fields.set("decision", url.pathname.startsWith("/interaction/") ? ours : revcent);
      url = new URL(form[1]!.replace(/&amp;/g, "&"), url);
      init = {
        method: "POST",
        body: fields.toString(),
        headers: { "content-type": "application/x-www-form-urlencoded", origin: url.origin },
      };
    }
    throw new Error("the walk did not end within 25 steps");
  }

  /** One request with this browser's cookies for the URL; its Set-Cookie lines are kept. */
  async request(url: URL, init: RequestInit = { method: "GET" }): Promise<Response> {
    const cookies = (this.jar.get(url.host) ?? [])
      .filter((c) => c.path === "/" || url.pathname === c.path || url.pathname.startsWith(`${c.path}/`))
      .map((c) => `${c.name}=${c.value}`)
      .join("; ");
    const res = await fetch(url, {
      ...init,
      redirect: "manual",
      headers: { ...(init.headers as Record<string, string>), ...(cookies ? { cookie: cookies } : {}) },
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const [name, ...value] = pair!.split("=");
      const path = attributes.map((a) => /^\s*path=(.*)$/i.exec(a)?.[1]).find(Boolean) ?? "/";
      const kept = (this.jar.get(url.host) ?? []).filter((c) => !(c.name === name!.trim() && c.path === path));
      const expired = /max-age=0|expires=thu, 01 jan 1970/i.test(line);
      if (!expired) kept.push({ name: name!.trim(), value: value.join("="), path });
      this.jar.set(url.host, kept);
    }
    return res;
  }
}
