/** Version of the protocol types; bumped on any change to commands, events or error codes. */
export const PROTOCOL_VERSION = 1;
