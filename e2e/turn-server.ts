import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/*
 * Debian's coturn on loopback, with the TURN REST scheme (`use-auth-secret`)
 * that Lineup's ICE-servers endpoint mints credentials for (docs/calls.md,
 * "TURN"): the test proves a browser gets a relay with those credentials.
 * .ci/run installs coturn; without it the test fails, never skips.
 */

/** Debian's coturn binary. */
export const turnserverPath = '/usr/bin/turnserver';

/** A running coturn: its `turn:` address, and how to stop it. */
export interface TurnServer {
  url: string;
  stop(): Promise<void>;
}

/** A free port on loopback (TCP bound and released; coturn takes UDP and TCP on it). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Sends a STUN binding request and resolves whether an answer came within `waitMs`. */
async function answersStun(port: number, waitMs: number): Promise<boolean> {
  const socket = createSocket('udp4');
  // A binding request: type 0x0001, length 0, the magic cookie, a 12-byte transaction id.
  const request = Buffer.alloc(20);
  request.writeUInt16BE(0x0001, 0);
  request.writeUInt32BE(0x2112a442, 4);
  request.fill(7, 8);
  try {
    return await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        resolve(false);
      }, waitMs);
      socket.once('message', () => {
        clearTimeout(timer);
        resolve(true);
      });
      socket.send(request, port, '127.0.0.1');
    });
  } finally {
    socket.close();
  }
}

/** Starts coturn on 127.0.0.1 with `secret`, relaying on loopback; resolves once it answers STUN. */
export async function startTurnServer(secret: string): Promise<TurnServer> {
  if (!existsSync(turnserverPath)) {
    throw new Error(
      `${turnserverPath} is missing: install Debian's coturn (apt-get install -y coturn), as .ci/run does.`,
    );
  }
  const port = await freePort();
  const directory = await mkdtemp(join(tmpdir(), 'lineup-turn-'));
  const child: ChildProcess = spawn(
    turnserverPath,
    [
      '-n',
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${port}`,
      '--use-auth-secret',
      `--static-auth-secret=${secret}`,
      '--realm=lineup.test',
      '--no-tls',
      '--no-dtls',
      '--no-cli',
      '--fingerprint',
      // The two browsers of the test are both on loopback; coturn refuses such peers unless told.
      '--allow-loopback-peers',
      '--min-port=49152',
      '--max-port=65535',
      `--userdb=${join(directory, 'turndb')}`,
      `--pidfile=${join(directory, 'turnserver.pid')}`,
      '--log-file=stdout',
    ],
    { stdio: 'ignore' },
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    await rm(directory, { recursive: true, force: true });
  };
  // Bounded: 50 tries of 200 ms.
  for (let attempt = 0; attempt < 50; attempt++) {
    if (child.exitCode !== null) break;
    if (await answersStun(port, 200)) return { url: `turn:127.0.0.1:${port}?transport=udp`, stop };
  }
  await stop();
  throw new Error(`coturn did not answer STUN on 127.0.0.1:${port}`);
}
