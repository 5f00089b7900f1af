import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodeList, errorCodes, type ErrorCode } from '@lineup/protocol';
import {
  ManualScheduler,
  MemoryHost,
  Webhooks,
  buildApp,
  openServerStore,
  systemClock,
} from '../src/index.ts';
import { testAuth } from './harness.ts';
import { documentedErrorCodes, operationsOf, type OpenApiDocument } from './openapi.ts';

/*
 * The OpenAPI document is the API's contract for SDKs and people: it must
 * have OpenAPI 3's shape, describe every route the server answers (and no
 * other), and name only error codes that docs/errors.md explains.
 */

let app: FastifyInstance;
let document: OpenApiDocument;
/** Every route the server registered, as "METHOD /path/{param}". */
const registered: string[] = [];

beforeAll(async () => {
  const host = new MemoryHost();
  const opened = openServerStore();
  if (!opened.ok) throw new Error(opened.message);
  const { store } = opened;
  const scheduler = new ManualScheduler(systemClock);
  const webhooks = Webhooks.open({ store, host, clock: systemClock, scheduler });
  app = buildApp({ host, auth: testAuth(systemClock), webhooks });
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const schema = route.schema as { hide?: boolean } | undefined;
    if (schema?.hide === true || route.url.startsWith('/docs')) return;
    for (const method of methods) {
      if (method === 'HEAD') continue;
      registered.push(`${method} ${route.url.replace(/:([A-Za-z]+)/g, '{$1}')}`);
    }
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const response = await fetch(`http://127.0.0.1:${port}/v1/openapi.json`);
  expect(response.status).toBe(200);
  document = (await response.json()) as OpenApiDocument;
});
afterAll(async () => {
  await app.close();
});

/** The codes of the table in docs/errors.md. */
function codesInDocs(): Map<string, number> {
  const text = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
  const codes = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^\|\s*`([a-z_]+)`\s*\|\s*(\d{3})\s*\|/.exec(line);
    if (match !== null) codes.set(match[1]!, Number(match[2]));
  }
  return codes;
}

describe('OpenAPI document', () => {
  it('[api] is OpenAPI 3.1 with info, tags and paths', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.title).toBe('Lineup REST API');
    expect(document.info.version).toMatch(/^v1/);
    // The description lists every code with its status, for readers of /docs.
    for (const code of errorCodeList) expect(document.info.description).toContain(`\`${code}\``);
    const tags = document.tags.map((tag) => tag.name);
    expect(tags).toEqual([
      'tenants',
      'access',
      'queues',
      'agents',
      'memberships',
      'agent actions',
      'contacts',
      'statistics',
      'webhooks',
      'feedback',
      'operations',
    ]);
    for (const { key, operation } of operationsOf(document)) {
      expect(operation.tags, key).toHaveLength(1);
      expect(tags, key).toContain(operation.tags[0]);
      expect(operation.summary, key).toMatch(/^[A-Z]/);
    }
  });

  it('[api] lists every route the server answers, and nothing else', () => {
    const documented = operationsOf(document).map(({ key }) => key);
    expect(registered.length).toBeGreaterThan(30);
    expect([...documented].sort()).toEqual([...registered].sort());
  });

  it('[api] every operation declares its path parameters, success and error responses', () => {
    for (const { key, path, operation } of operationsOf(document)) {
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      const pathParameters = (operation.parameters ?? []).filter((item) => item.in === 'path');
      expect(pathParameters.map((item) => item.name).sort(), key).toEqual([...names].sort());
      for (const parameter of pathParameters) expect(parameter.required, key).toBe(true);

      const statuses = Object.keys(operation.responses);
      const successes = statuses.filter((status) => /^2\d\d$/.test(status));
      expect(successes.length, key).toBeGreaterThan(0);
      for (const status of successes) {
        if (status === '204') continue;
        expect(
          operation.responses[status]?.content?.['application/json']?.schema,
          key,
        ).toBeDefined();
      }
      expect(statuses, key).toEqual(expect.arrayContaining(['4XX', '5XX']));
      const client = documentedErrorCodes(operation, '4XX');
      const server = documentedErrorCodes(operation, '5XX');
      expect(client, key).toContain('invalid_command');
      expect(server, key).toContain('internal');
      for (const code of client)
        expect(errorCodes[code].status, `${key} ${code}`).toBeLessThan(500);
      for (const code of server)
        expect(errorCodes[code].status, `${key} ${code}`).toBeGreaterThanOrEqual(500);
    }
  });

  it('[api] a body that may be left out is documented as optional', () => {
    const logIn = document.paths['/v1/tenants/{tenantId}/agents/{agentId}/log-in']?.post;
    const mode = document.paths['/v1/tenants/{tenantId}/agents/{agentId}/mode']?.post;
    expect(logIn?.requestBody?.required).toBe(false);
    expect(mode?.requestBody?.required).toBe(true);
    expect(JSON.stringify(document)).not.toContain('x-body-optional');
  });

  it('[errors] every error code the server documents is in docs/errors.md, with its status', () => {
    const docs = codesInDocs();
    const used = new Set<ErrorCode>();
    for (const { operation } of operationsOf(document)) {
      for (const code of documentedErrorCodes(operation, '4XX')) used.add(code);
      for (const code of documentedErrorCodes(operation, '5XX')) used.add(code);
    }
    // The codes the edge itself answers with, outside any route's own list.
    for (const code of ['not_found', 'payload_too_large', 'invalid_command', 'internal'] as const)
      used.add(code);
    expect(used.size).toBeGreaterThan(20);
    for (const code of used) expect(docs.get(code), code).toBe(errorCodes[code].status);
  });
});
