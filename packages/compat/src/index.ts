/*
 * @lineup/compat: thin adapters that let front-end and script code written for
 * the products Lineup replaces keep their names and shapes, over Lineup's own
 * SDK (docs/compat.md). Lineup's model stays the one truth: every adapter
 * translates names, never decides.
 */

export {
  ACDEvents,
  ACDRequest,
  ACDRequestStatus,
  attachACDRequest,
  enqueueACDRequest,
  type ACDEventName,
  type ACDEventPayloads,
  type ACDListener,
  type ACDRequestOptions,
  type ACDStatus,
} from './acd-requests.ts';
export {
  createCloudRoomQueue,
  installCloudRoomQueue,
  type CallbackSlot,
  type CloudRoomQueue,
  type CloudRoomQueueOptions,
  type Cookie,
  type CRVideoQueStatus,
  type CRVideoQueUser,
  type CRVideoQueueInfo,
  type CRVideoQueuingInfo,
} from './cloudroom.ts';
export { codeOfSdkErr, sdkErrNone, sdkErrOf } from './sdk-err.ts';
export {
  callBarCallsMax,
  callBarIdOf,
  callBarTimeOf,
  createCallCenter,
  monitorCallersMax,
  queueNumEveryMsDefault,
  type CallBarEvents,
  type CallBarListener,
  type CallCenter,
  type CallCenterOptions,
} from './call-bar.ts';
export type * from './call-bar-events.ts';
export {
  callBarCallEvents,
  type CallBarArea,
  type CallBarCallEvent,
  type CallBarCallEvents,
  type CallBarCallFields,
  type CallContext,
} from './call-bar-calls.ts';
