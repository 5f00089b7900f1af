/** Version of the protocol types; bumped on any change to commands, events or error codes. */
export const PROTOCOL_VERSION = 5;

export * from './ids.ts';
export * from './domain.ts';
export * from './limits.ts';
export * from './settings.ts';
export * from './commands.ts';
export * from './events.ts';
export * from './status.ts';
export * from './errors.ts';
export * from './access.ts';
export * from './socket.ts';
export * from './calls.ts';
