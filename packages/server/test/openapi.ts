import type { ErrorCode } from '@lineup/protocol';

/*
 * Reading the server's OpenAPI document in tests: its operations, and the
 * error codes each documents.
 */

interface Schema {
  properties?: Record<string, Schema>;
  enum?: string[];
}

/** One documented response. */
export interface OpenApiResponse {
  description: string;
  content?: Record<string, { schema?: Schema }>;
}

/** One documented operation, as far as the tests read it. */
export interface OpenApiOperation {
  summary?: string;
  tags: string[];
  parameters?: { in: string; name: string; required?: boolean }[];
  requestBody?: { required?: boolean };
  responses: Record<string, OpenApiResponse>;
}

/** The document, as far as the tests read it. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description: string };
  tags: { name: string }[];
  paths: Record<string, Record<string, OpenApiOperation>>;
}

/** Every operation with its "METHOD /path" key. */
export function operationsOf(
  document: OpenApiDocument,
): { key: string; path: string; method: string; operation: OpenApiOperation }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({
      key: `${method.toUpperCase()} ${path}`,
      path,
      method: method.toUpperCase(),
      operation,
    })),
  );
}

/** The codes an operation documents for a status range ('4XX' or '5XX'). */
export function documentedErrorCodes(
  operation: OpenApiOperation,
  range: '4XX' | '5XX',
): ErrorCode[] {
  const schema = operation.responses[range]?.content?.['application/json']?.schema;
  return (schema?.properties?.error?.properties?.code?.enum ?? []) as ErrorCode[];
}

/** The operation that answers a concrete request path (query left out), or null. */
export function operationFor(
  document: OpenApiDocument,
  method: string,
  url: string,
): OpenApiOperation | null {
  const path = url.split('?')[0] ?? url;
  for (const entry of operationsOf(document)) {
    if (entry.method !== method) continue;
    const pattern = new RegExp(`^${entry.path.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    if (pattern.test(path)) return entry.operation;
  }
  return null;
}
