import WebSocket from 'ws';
import type { Reply, ServerMessage, Welcome } from '@lineup/protocol';

/*
 * A WebSocket client for tests: it keeps every message the server sent, in
 * order, and waits for the one a test expects (a bounded wait for real I/O,
 * not a timing assertion).
 */

/** How long a test waits for a message before it fails. */
const waitMsMax = 5_000;

/** A connected test client. */
export interface SocketClient {
  /** Every message received, in order. */
  readonly messages: ServerMessage[];
  /** The close code, once closed. */
  closeCode(): number | null;
  send(message: unknown): void;
  sendRaw(text: string): void;
  /** Resolves with the first message (from `from` on) that matches, or fails after a while. */
  next<T extends ServerMessage>(
    match: (message: ServerMessage) => boolean,
    from?: number,
  ): Promise<T>;
  /** Sends a request with a fresh id and resolves with its reply. */
  request(message: Record<string, unknown>): Promise<Reply>;
  /** Resolves once the socket is closed, with its code. */
  closed(): Promise<number>;
  /** Drops the connection without a close handshake (a network failure). */
  drop(): void;
  close(): void;
}

let ids = 0;

/** Opens a socket to the server's /v1/ws. */
export async function openSocket(baseUrl: string): Promise<SocketClient> {
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/v1/ws`);
  const messages: ServerMessage[] = [];
  let code: number | null = null;
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const waiter of waiters) waiter();
  };
  socket.on('message', (data: Buffer) => {
    messages.push(JSON.parse(data.toString('utf8')) as ServerMessage);
    wake();
  });
  socket.on('close', (closeCode: number) => {
    code = closeCode;
    wake();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => {
      resolve();
    });
    socket.once('error', reject);
  });
  const waitUntil = <T>(probe: () => T | undefined, what: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const check = () => {
        const found = probe();
        if (found === undefined) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no ${what} within ${waitMsMax} ms; got ${JSON.stringify(messages)}`));
      }, waitMsMax);
      waiters.add(check);
      check();
    });
  const client: SocketClient = {
    messages,
    closeCode: () => code,
    send: (message) => {
      socket.send(JSON.stringify(message));
    },
    sendRaw: (text) => {
      socket.send(text);
    },
    next: <T extends ServerMessage>(match: (message: ServerMessage) => boolean, from = 0) =>
      waitUntil(() => messages.slice(from).find(match) as T | undefined, 'matching message'),
    async request(message) {
      ids += 1;
      const id = `r${ids}`;
      client.send({ ...message, id });
      return client.next<Reply>((m) => m.type === 'reply' && m.id === id);
    },
    closed: () => waitUntil(() => code ?? undefined, 'close'),
    drop: () => {
      socket.terminate();
    },
    close: () => {
      socket.close();
    },
  };
  return client;
}

/** Opens a socket and says hello; resolves with the client and its welcome. */
export async function connect(
  baseUrl: string,
  token: string,
  resume?: { sessionId: string; resumeToken: string; lastSeq: number },
): Promise<{ client: SocketClient; welcome: Welcome }> {
  const client = await openSocket(baseUrl);
  client.send({ type: 'hello', token, ...(resume === undefined ? {} : { resume }) });
  const welcome = await client.next<Welcome>((message) => message.type === 'welcome');
  return { client, welcome };
}

/** The highest seq a client has received. */
export function lastSeqOf(client: SocketClient): number {
  let last = 0;
  for (const message of client.messages) {
    if ('seq' in message && typeof message.seq === 'number') last = Math.max(last, message.seq);
  }
  return last;
}
