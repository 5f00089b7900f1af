import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { socketSettingsDefault } from './socket-hub.ts';
import { requestRatesDefault } from './app.ts';
import { callServerSettingsDefault } from './calls/setup.ts';
import { parseJsonFile } from './json-file.ts';
import { webChatSettingsDefault } from './compat/web-chat.ts';
import { snapshotEveryEntriesDefault, snapshotEveryMsDefault } from './engine-host.ts';
import { heapGrowthPercentDefault, heapGrowthPercentMax } from './heap-growth.ts';
import {
  commitThreadNice,
  commitWindowMsDefault,
  commitWindowMsMax,
  niceMax,
  serverThreadNiceDefault,
} from '@lineup/journal';

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
    heapGrowthPercent: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: heapGrowthPercentMax,
        description: `How far the heap grows between full garbage collections, in percent of the live heap; 0 leaves it to V8. Default ${heapGrowthPercentDefault}`,
      }),
    ),
    serverThreadNice: Type.Optional(
      Type.Union(
        [
          Type.Integer({ minimum: commitThreadNice + 1, maximum: niceMax }),
          Type.Null({ description: "Leave the thread's priority as it is" }),
        ],
        {
          description: `Nice value the server's own thread asks for (Linux; raising it takes root, CAP_SYS_NICE or LimitNICE), behind the journal's commit thread at ${commitThreadNice}. Default ${serverThreadNiceDefault}`,
        },
      ),
    ),
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
    journal: Type.Optional(
      Type.Object(
        {
          snapshotEveryEntries: Type.Optional(
            positive(
              `Journal entries between two snapshots of a tenant. Default ${snapshotEveryEntriesDefault}`,
            ),
          ),
          snapshotEveryMs: Type.Optional(
            positive(
              `Longest time between two snapshots of a tenant with new entries. Default ${snapshotEveryMsDefault}`,
            ),
          ),
          snapshotThread: Type.Optional(
            Type.Boolean({
              description: 'Serialize the snapshots on a thread of their own. Default true',
            }),
          ),
          commitWindowMs: Type.Optional(
            Type.Integer({
              minimum: 0,
              maximum: commitWindowMsMax,
              description: `How long a command waits for others to share its commit (and fsync), in ms. Default ${commitWindowMsDefault}`,
            }),
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
    webChat: Type.Optional(
      Type.Object(
        {
          faqFile: Type.Optional(
            Type.String({
              minLength: 1,
              description: "The web chat robot's FAQ file (docs/compat.md); no robot without it",
            }),
          ),
          ...Object.fromEntries(
            Object.entries(webChatSettingsDefault).map(([name, value]) => [
              name,
              Type.Optional(positive(`Default ${value}`)),
            ]),
          ),
        },
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
  const parsed = parseJsonFile(checkConfig, text);
  return parsed.ok ? { ok: true, config: parsed.value } : parsed;
}
