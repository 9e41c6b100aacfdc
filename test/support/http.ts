/** Many HTTP requests against a hub over a few keep-alive connections, at most `inFlight` at once. */
import { Agent, request } from 'node:http';

/** Posts JSON and resolves with the parsed answer (rejects on a non-200). */
export type Post = (path: string, body: unknown) => Promise<unknown>;

/** Runs `task(post, i)` for i < count with at most `inFlight` at once, over keep-alive connections to `port`. */
export async function httpPool(
  port: number,
  count: number,
  inFlight: number,
  task: (post: Post, i: number) => Promise<void>,
): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: inFlight, timeout: 4_000 });
  const post: Post = (path, body) =>
    new Promise((resolve, reject) => {
      const text = JSON.stringify(body);
      const req = request(
        { host: '127.0.0.1', port, method: 'POST', path, agent, headers: { 'content-type': 'application/json' } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const answer = Buffer.concat(chunks).toString();
            if (res.statusCode === 200) resolve(JSON.parse(answer) as unknown);
            else reject(new Error(`${path}: ${res.statusCode ?? 0} ${answer}`));
          });
        },
      );
      req.on('error', reject);
      req.end(text);
    });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await task(post, next++);
  };
  try {
    await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
  } finally {
    agent.destroy();
  }
}
