export { PROTOCOL_VERSION } from '@lineup/protocol';
