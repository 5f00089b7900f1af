import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { socketSettingsDefault } from './socket-hub.ts';
import { requestRatesDefault } from './app.ts';
import { callServerSettingsDefault } from './calls/setup.ts';

/*
 * The settings file of `lineup serve --config <file>` (docs/api.md,
 * Settings): JSON, every field optional, each with its default. Unknown
 * fields are refused, so that a misspelt setting is not silently ignored.
 */

const positive = (description: string) => Type.Integer({ minimum: 1, description });

/** Schema of the settings file. */
export const ServerConfigSchema = Type.Object(
  {
    port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65_535 })),
    host: Type.Optional(Type.String({ minLength: 1, description: 'Address to listen on' })),
    dataDir: Type.Optional(Type.String({ minLength: 1 })),
    demo: Type.Optional(Type.Boolean({ description: 'Create the demo tenant on a first start' })),
    bodyLimitBytes: Type.Optional(positive('Largest request body')),
    corsOrigins: Type.Optional(
      Type.Array(
        Type.String({
          pattern: '^https?://[^/\\s]+$',
          maxLength: 253,
          description:
            'A web site allowed to call the API from its pages, e.g. https://shop.example',
        }),
        { maxItems: 100, uniqueItems: true },
      ),
    ),
    requestRates: Type.Optional(
      Type.Object(
        {
          perSecond: Type.Optional(positive(`Default ${requestRatesDefault.perSecond}`)),
          burst: Type.Optional(positive(`Default ${requestRatesDefault.burst}`)),
          refusedPerSecond: Type.Optional(
            positive(`Default ${requestRatesDefault.refusedPerSecond}`),
          ),
          refusedBurst: Type.Optional(positive(`Default ${requestRatesDefault.refusedBurst}`)),
        },
        { additionalProperties: false },
      ),
    ),
    calls: Type.Optional(
      Type.Object(
        {
          stunUrls: Type.Optional(
            Type.Array(Type.String({ pattern: '^stuns?:[^\\s]+$', maxLength: 500 }), {
              maxItems: 20,
              description: 'STUN servers, e.g. stun:turn.example.com:3478',
            }),
          ),
          turnUrls: Type.Optional(
            Type.Array(Type.String({ pattern: '^turns?:[^\\s]+$', maxLength: 500 }), {
              maxItems: 20,
              description: 'TURN servers, e.g. turn:turn.example.com:3478?transport=udp',
            }),
          ),
          turnSecret: Type.Optional(
            Type.String({
              minLength: 16,
              maxLength: 512,
              description: "coturn's static-auth-secret (use-auth-secret)",
            }),
          ),
          turnTtlSeconds: Type.Optional(
            Type.Integer({
              minimum: 60,
              maximum: 86_400,
              description: `Default ${callServerSettingsDefault.turnTtlSeconds}`,
            }),
          ),
          ...Object.fromEntries(
            (
              [
                'ringTimeoutMs',
                'liveCallsPerTenantMax',
                'qualitySamplesPerCallMax',
                'recordingChunkBytesMax',
                'recordingBytesMax',
              ] as const
            ).map((name) => [
              name,
              Type.Optional(positive(`Default ${callServerSettingsDefault[name]}`)),
            ]),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    socket: Type.Optional(
      Type.Object(
        Object.fromEntries(
          Object.entries(socketSettingsDefault).map(([name, value]) => [
            name,
            Type.Optional(
              name === 'graceMs'
                ? Type.Integer({ minimum: 0, description: `Default ${value}` })
                : positive(`Default ${value}`),
            ),
          ]),
        ),
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
/** The settings file, parsed. */
export type ServerConfig = Static<typeof ServerConfigSchema>;

const checkConfig = Compile(ServerConfigSchema);

/** The settings a file's text gives, or what is wrong with it, naming the field. */
export function parseServerConfig(
  text: string,
): { ok: true; config: ServerConfig } | { ok: false; message: string } {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error: unknown) {
    return { ok: false, message: `it is not JSON (${(error as Error).message})` };
  }
  if (checkConfig.Check(value)) return { ok: true, config: value };
  const [first] = checkConfig.Errors(value);
  const at = first?.instancePath === '' ? 'the top level' : (first?.instancePath ?? '?');
  return { ok: false, message: `${at}: ${first?.message ?? 'is not valid'}` };
}
