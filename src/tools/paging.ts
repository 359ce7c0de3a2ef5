// Lists beyond one page and one date window: `all_pages` follows pages (bounded by `max_items`,
// with progress), and a date range longer than the operation allows is split into windows it does
// allow, whose results are merged. Runs inside the call's executor, so the guard and hygiene see
// the merged answer once.
import { DAY_SECONDS, type Operation } from "../operations/operation.js";

export const ALL_PAGES_ARGUMENT = "all_pages";
export const MAX_ITEMS_ARGUMENT = "max_items";
export const DEFAULT_MAX_ITEMS = 100;
/** The most items all_pages gathers in one call. */
export const MAX_ITEMS_LIMIT = 1000;

export type Progress = (done: number, total: number | undefined, message: string) => Promise<void>;

/** Consecutive windows of at most `maxDays` covering [start, end]. */
function dateWindows(start: number, end: number, maxDays: number): { start: number; end: number }[] {
  const span = maxDays * DAY_SECONDS;
  const windows = [];
  for (let from = start; from < end; from += span) windows.push({ start: from, end: Math.min(end, from + span) });
  return windows.length ? windows : [{ start, end }];
}

interface Page {
  results?: unknown[];
  total_count?: number;
  total_pages?: number;
}

export async function fetchList(
  op: Operation,
  args: Record<string, unknown>,
  execute: (args: Record<string, unknown>) => Promise<unknown>,
  progress?: Progress,
): Promise<unknown> {
  const { [ALL_PAGES_ARGUMENT]: allPages, [MAX_ITEMS_ARGUMENT]: maxItemsArg, ...query } = args;
  const maxItems = typeof maxItemsArg === "number" ? maxItemsArg : DEFAULT_MAX_ITEMS;
  const start = query.date_start;
  const end = query.date_end;
  const windows =
    op.maxRangeDays &&
    typeof start === "number" &&
    typeof end === "number" &&
    end - start > op.maxRangeDays * DAY_SECONDS
      ? dateWindows(start, end, op.maxRangeDays)
      : undefined;
  if (!allPages && !windows) return execute(query);

  const items: unknown[] = [];
  const firstPage = typeof query.page === "number" ? query.page : 1;
  let totalCount = 0;
  let pagesFetched = 0;
  // Whether items were left out: max_items reached early, or a window's later pages not followed.
  let truncated = false;
  let last: Page = {};
  const lastWindow = (windows?.length ?? 1) - 1;
  windowLoop: for (const [w, window] of (windows ?? [undefined]).entries()) {
    for (let page = firstPage; ; page += 1) {
      const body = (await execute(
        window ? { ...query, date_start: window.start, date_end: window.end, page } : { ...query, page },
      )) as Page;
      last = body;
      pagesFetched += 1;
      if (page === firstPage) totalCount += body.total_count ?? 0;
      items.push(...(body.results ?? []));
      const morePages = page < (body.total_pages ?? page);
      if (items.length >= maxItems) {
        truncated ||= items.length > maxItems || morePages || w < lastWindow;
        break windowLoop;
      }
      await progress?.(
        items.length,
        undefined,
        `${items.length} items, ${pagesFetched} page(s)${windows ? `, window ${w + 1} of ${lastWindow + 1}` : ""}`,
      );
      if (!morePages) break;
      if (!allPages) {
        truncated = true;
        break;
      }
    }
  }
  return {
    ...last,
    ...(truncated ? stillMore(query, items.length >= maxItems, windows !== undefined, firstPage, maxItems) : {}),
    results: items.slice(0, maxItems),
    current_count: Math.min(items.length, maxItems),
    total_count: totalCount,
    pages_fetched: pagesFetched,
    ...(windows ? { date_windows: windows.length } : {}),
    truncated,
    current_page: undefined,
    total_pages: undefined,
  };
}

/** Where a list cut short by paging continues: the page after max_items, or all_pages to follow windows. */
function stillMore(
  query: Record<string, unknown>,
  full: boolean,
  windows: boolean,
  firstPage: number,
  maxItems: number,
): Record<string, unknown> {
  if (!full) return { more: "Some date windows have more pages: add all_pages to follow them." };
  const limit = query.limit;
  if (!windows && typeof limit === "number" && maxItems % limit === 0) {
    const next = { page: firstPage + maxItems / limit, [ALL_PAGES_ARGUMENT]: true };
    return { more: `max_items reached: continue with page ${next.page}, or a narrower date range.`, next };
  }
  return { more: `max_items reached: raise it (up to ${MAX_ITEMS_LIMIT}) or ask for a narrower date range.` };
}
