/*
 * @lineup/sdk: a typed client of Lineup's REST and WebSocket API for
 * customers, agents and supervisors, in browsers and in Node (docs/sdk.md).
 */

export {
  LineupCustomer,
  type CustomerEvents,
  type JoinInput,
  type JoinResult,
  type CallbackInput,
  type MessageInput,
} from './customer.ts';
export { LineupAgent, type AgentEvents } from './agent.ts';
export { LineupSupervisor, type SupervisorEvents } from './supervisor.ts';
export {
  LineupClient,
  eventOf,
  type ChatContent,
  type ClientEvents,
  type CommandResult,
  type EngineEventListeners,
} from './client.ts';
export { ConnectionState, type ConnectionChange } from './connection.ts';
export { RecordingUpload, type CallTarget, type MediaState, type Signal } from './calls.ts';
export { ClientErrorCode, LineupError, isServerErrorCode } from './errors.ts';
export type { Unsubscribe } from './emitter.ts';
export {
  reconnectDefault,
  requestTimeoutMsDefault,
  pingEveryMsDefault,
  type ClientOptions,
  type ReconnectSettings,
  type TokenSource,
  type WebSocketConstructor,
  type WebSocketLike,
} from './options.ts';
export { attachmentBytesMax, leftMessageTextLengthMax } from './views.ts';
export type {
  AgentView,
  Page,
  PageQuery,
  ContactHistoryItem,
  ContactView,
  Disposition,
  LeftMessage,
  LeftMessageCustomer,
  OfferView,
  PublicQueueStatus,
  QueueView,
  Rating,
  Transcript,
} from './views.ts';
