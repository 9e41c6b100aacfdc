/**
 * Asks the hub for the next page of a paged snapshot (clients, the topic tree), from a task of its
 * own, if the page's snapshot is still `current()`. The hub sends a page only when asked, so each
 * page is one task here, with paints and input between them (pages sent unasked arrived together,
 * and the browser handed them to the page in one long task).
 */
export function askNextPage(current: () => boolean, ask: () => Promise<unknown>): void {
  setTimeout(() => {
    if (current()) void ask();
  }, 0);
}
