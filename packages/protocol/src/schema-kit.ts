import { Type, type TSchema } from 'typebox';

/*
 * Builders the protocol's schemas share. Internal to packages/protocol: the
 * index exports the schemas, not these.
 */

/** A closed set from domain.ts as a schema: the `as const` object stays the one source. */
export const closedSet = <T extends string>(set: Record<string, T>, description?: string) =>
  Type.Enum(Object.values(set), description === undefined ? {} : { description });

/**
 * A message discriminated on `type` that carries its time (commands and
 * events alike), closed to other fields.
 */
export const timedMessage = <
  T extends string,
  A extends TSchema,
  P extends Record<string, Parameters<typeof Type.Object>[0][string]>,
>(
  type: T,
  atMs: A,
  properties: P,
  description: string,
) =>
  Type.Object(
    { type: Type.Literal(type), atMs, ...properties },
    { additionalProperties: false, description },
  );
