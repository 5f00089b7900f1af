import { mkdir } from 'node:fs/promises';
import { artifactsDirectory, buildWeb } from './harness.ts';

/*
 * Before any journey: the apps are built once from the sources as they are
 * now (a journey tests today's code, never an earlier build), and the
 * screenshots' folder exists.
 */
export default async function setup(): Promise<void> {
  await mkdir(artifactsDirectory, { recursive: true });
  await buildWeb();
}
