/*
 * The server: hosts one engine per tenant, drives its timers, and serves the
 * REST API (DESIGN.md §3). Its only public entry.
 */

export {
  /** Builds the HTTP app (REST under /v1, OpenAPI, docs, health) on a host, without listening. */
  buildApp,
  /** The largest request body the app reads unless told otherwise. */
  bodyLimitBytesDefault,
  /** The longest time the app waits to receive one whole request. */
  requestTimeoutMs,
  /** How the app is built: its host, logger and body limit. */
  type AppOptions,
  /** How many REST requests a caller may send. */
  type RequestRates,
  /** The defaults of the request rates. */
  requestRatesDefault,
} from './app.ts';
export {
  /** A host that keeps every tenant's engine in memory, with a journal in memory. */
  MemoryHost,
  /** How a memory host is set up: clock, scheduler, engine options and limits. */
  type MemoryHostOptions,
} from './memory-host.ts';
export {
  /** The host of every tenant's engine, acknowledging commands once their events are journaled. */
  EngineHost,
  /** How a host is set up: its journal, clock, scheduler, engine options and limits. */
  type EngineHostOptions,
  /** The tenants one host holds unless told otherwise. */
  tenantsMaxDefault,
  /** The commands of one tenant that may wait for their turn unless told otherwise. */
  pendingCommandsMaxDefault,
  /** The event listeners one tenant may have. */
  listenersPerTenantMax,
  /** Entries between two snapshots of a tenant unless told otherwise. */
  snapshotEveryEntriesDefault,
  snapshotEveryMsDefault,
} from './engine-host.ts';
export {
  /** A tenant's engine rebuilt from its journal: latest snapshot plus the events after it. */
  recoverEngine,
  /** What an engine is rebuilt from: a journal or a reader of its file. */
  type RecoverySource,
} from './engine-recovery.ts';
export {
  /** A source of the current time, epoch ms. */
  type Clock,
  /** Runs a callback once, at or after a given time. */
  type TimerScheduler,
  /** Cancels a timer. */
  type CancelTimer,
  /** The process's wall clock. */
  systemClock,
  /** A timer scheduler on Node's setTimeout. */
  SystemScheduler,
  /** A clock that moves only when a test tells it to. */
  ManualClock,
  /** A timer scheduler whose timers fire only when a test calls fireDue. */
  ManualScheduler,
} from './clock.ts';
export {
  /** What the HTTP and WebSocket layers need from the process that hosts the engines. */
  type Host,
  /** A command as a client sends it: the host stamps the time. */
  type CommandInput,
  /** What a submitted command did, once durable, and what the submitter read right after it. */
  type Outcome,
  /** How a command is submitted: its idempotency id. */
  type SubmitOptions,
  /** Read-only views of one tenant's engine. */
  type TenantView,
  /** The refusal every host gives for a tenant id that names no tenant. */
  tenantNotFound,
} from './host.ts';
/** The REST API's request and response schemas, each with its own doc comment (to move to packages/protocol). */
export * from './schemas.ts';
export {
  /** Creates a server's metrics (queues, journal, HTTP, process) on a registry of its own. */
  createMetrics,
  /** Buckets of the journal's commit duration histogram, in seconds. */
  commitDurationBucketsSeconds,
  /** Buckets of the HTTP request duration histogram, in seconds. */
  requestDurationBucketsSeconds,
  /** The route label of a request that matched no route. */
  unmatchedRoute,
  /** A server's metrics: the registry, commit and request observers, and a scrape. */
  type Metrics,
  /** Where the metrics read their numbers: the host and a clock. */
  type MetricsOptions,
  /** One finished HTTP request, as the app reports it to the metrics. */
  type RequestReport,
} from './metrics.ts';
export {
  /** The conversations of every tenant: messages, read receipts, attachments. */
  Chat,
  /** Largest attachment by default. */
  attachmentBytesMaxDefault,
} from './chat.ts';
export {
  /** Schema of the settings file of `lineup serve --config`. */
  ServerConfigSchema,
  /** The settings file, parsed. */
  type ServerConfig,
  /** Parses a settings file's text, or says what is wrong with it. */
  parseServerConfig,
} from './config.ts';
export {
  /** The WebSocket sessions of every tenant and their fan-out. */
  SocketHub,
  /** Settings of the WebSocket API. */
  type SocketSettings,
  /** Defaults of the WebSocket API's settings. */
  socketSettingsDefault,
  /** Sessions one slice of a periodic update serves before the event loop takes other work. */
  sessionsPerSliceMax,
} from './socket-hub.ts';
export {
  /** Checks and issues credentials: the operator key, tenant API keys, tokens. */
  Auth,
  /** How credentials are set up: the store, the clock, the operator key. */
  type AuthOptions,
  /** A caller whose credential was checked. */
  type Principal,
  /** A tenant's API key as listed. */
  type ApiKeyView,
  /** API keys one tenant may hold. */
  apiKeysPerTenantMax,
} from './auth.ts';
export {
  /** Opens the server's own records (API keys, secrets) in a data dir or in memory. */
  openServerStore,
  /** The server's own records. */
  type ServerStore,
  /** Name of the server store's file in the data dir. */
  serverStoreFileName,
  /** Version of the server store's schema. */
  SERVER_STORE_SCHEMA_VERSION,
} from './store.ts';
export {
  /** Every tenant's webhooks: subscriptions, a persisted outbox, signed deliveries with retries. */
  Webhooks,
  /** How the webhooks are set up: store, host, clock, scheduler, sender, settings. */
  type WebhooksOptions,
  /** Limits and timings of the webhooks. */
  type WebhookSettings,
  /** Defaults of the webhooks' settings. */
  webhookSettingsDefault,
  /** Sends one delivery and gives the receiver's HTTP status. */
  type SendWebhook,
  /** The default sender: fetch with a time-out. */
  fetchSender,
  /** The Lineup-Signature header of a body at a time, with a webhook's secret. */
  signatureOf,
  /** The wait after a delivery's n-th failed attempt. */
  retryDelayMs,
  /** The names of a delivery's Lineup headers. */
  webhookHeader,
} from './webhooks.ts';
export {
  /** Starts the durable server on a port over the journal in a data dir. */
  serve,
  /** The tenant created on a first start. */
  demoTenantId,
  /** Where and how the server runs. */
  type ServeOptions,
  /** A running server and how to stop it. */
  type RunningServer,
  /** Why the server could not start. */
  type ServeRefusal,
} from './serve.ts';
export {
  /** Every setting of calls: ring time and limits, recordings, STUN and TURN. */
  type CallServerSettings,
  /** Defaults of every setting of calls. */
  callServerSettingsDefault,
  /** How a server's calls are set up: settings and the recordings' folder. */
  type CallOptions,
} from './calls/setup.ts';
export {
  /** The TURN REST password of a username: base64(HMAC-SHA1(secret, username)). */
  turnCredentialOf,
} from './calls/ice-servers.ts';
export {
  FaqRobot,
  loadFaqRobot,
  parseFaq,
  type ChatRobot,
  type FaqFile,
  type RobotContext,
  type RobotReply,
} from './compat/robot.ts';
export {
  webChatSettingsDefault,
  type DownlinkMessage,
  type WebChatSettings,
} from './compat/web-chat.ts';
export { webChatPrefix, webChatTokenHeader, uploadFileTypes } from './compat/web-chat-routes.ts';
