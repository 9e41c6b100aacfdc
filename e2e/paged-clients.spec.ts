/**
 * A dashboard opened on a hub with more clients and users than one page (500): the answer holds
 * the first page, the others follow as pushes the page asks for. Registrations come and go while
 * the pages are in flight; once they stop, the tables hold exactly what the hub holds.
 */
import { inBatches, register } from './devices';
import { expect, test } from './fixtures';

test('a dashboard opened while clients come and go ends with exactly the hub’s clients, sent in pages', async ({
  page,
  hub,
}) => {
  test.setTimeout(120_000);
  // A user each: the users come in pages too.
  const userOf = new Map<string, number>();
  const ids = (await inBatches(1_600, 50, (i) => register(hub.baseUrl, i))).map((r, i) => {
    userOf.set(r.id, i);
    return r.id;
  });
  const frames: number[] = [];
  let pagesWithUsers = 0;
  page.on('websocket', (ws) =>
    ws.on('framereceived', ({ payload }) => {
      const text = String(payload);
      if (!text.includes('"clientPage"')) return;
      frames.push(text.length);
      // Only a page carries users in a clientPage push (a users change comes as an update of its own).
      if (text.includes('"users":[{')) pagesWithUsers++;
    }),
  );

  // Churn while the page opens: every page of the snapshot races a removal or a registration.
  let churning = true;
  const removed: string[] = [];
  const unregister = async (id: string): Promise<void> => {
    removed.push(id);
    await fetch(`${hub.baseUrl}/register/${id}`, { method: 'DELETE' });
  };
  const churn = (async () => {
    for (let round = 0; churning; round++) {
      await unregister(ids.splice((round * 37) % ids.length, 1)[0] ?? '');
      const { id } = await register(hub.baseUrl, round % 40);
      userOf.set(id, round % 40);
      ids.push(id);
      if (round % 3 === 0) await unregister(ids.pop() ?? '');
    }
  })();
  await page.goto(hub.dashboardUrl);
  await expect(page.getByTestId('client-count')).toHaveText(/^[\d,]+ clients$/); // every page arrived
  churning = false;
  await churn;

  const health = (await (await fetch(`${hub.baseUrl}/health`)).json()) as { registered: number };
  expect(health.registered).toBe(ids.length);
  const total = ids.length.toLocaleString('en-US');
  await expect(page.getByTestId('client-count')).toHaveText(`${total} clients`);
  await expect(page.locator('[role=table][aria-label=Clients]')).toHaveAttribute(
    'aria-rowcount',
    String(ids.length + 1),
  );
  expect(frames.length).toBeGreaterThanOrEqual(2); // the pages after the answer's first
  // The hub's clients, no more and no fewer: each id is found by the filter, a removed one is not.
  expect(removed.length).toBeGreaterThan(0);
  for (const [id, count] of [
    [ids[0], 1],
    [ids[ids.length - 1], 1],
    [removed[0], 0],
    [removed[removed.length - 1], 0],
  ] as const) {
    await page.getByTestId('client-filter').fill(id ?? '');
    await expect(page.getByTestId('client-count')).toHaveText(`${count} of ${total} clients`);
  }
  // The hub held 1,600 users when it answered (the churn then leaves fewer, the longer the pages take).
  expect(pagesWithUsers).toBeGreaterThanOrEqual(2);
  const users = new Set(ids.map((id) => userOf.get(id))).size;
  await page.getByTestId('tab-users').click();
  await expect(page.locator('[role=table][aria-label=Users]')).toHaveAttribute('aria-rowcount', String(users + 1));
});
