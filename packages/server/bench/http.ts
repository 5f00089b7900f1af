/*
 * The server bench's REST calls: one request with a credential, and a pool
 * that runs many with a bounded number in flight, so that commands arriving
 * together share the journal's commits as real clients' would.
 */

/** Longest wait for one answer. */
const requestTimeoutMs = 30_000;

/** An answer: its status and its JSON body (null for none). */
export interface Answer {
  status: number;
  body: unknown;
}

/** Sends one request to the server and reads its answer. */
export async function call(
  url: string,
  method: 'GET' | 'POST',
  path: string,
  credential: string,
  body?: unknown,
): Promise<Answer> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${credential}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(requestTimeoutMs),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
}

/** Sends one request and fails the bench unless it answers with the status expected. */
export async function expectStatus(
  expected: number,
  ...request: Parameters<typeof call>
): Promise<unknown> {
  const answer = await call(...request);
  if (answer.status !== expected) {
    throw new Error(
      `bench: ${request[1]} ${request[2]} answered ${answer.status}: ${JSON.stringify(answer.body)}`,
    );
  }
  return answer.body;
}

/** Runs work(0) … work(count - 1) with at most `concurrency` in flight; resolves with the results in order. */
export async function pool<T>(
  count: number,
  concurrency: number,
  work: (index: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await work(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}
