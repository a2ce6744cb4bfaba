/**
 * Wire protocol version, sent by every client in the socket.io handshake (`auth.protocolVersion`).
 * Bump it on any incompatible change to a schema in this package.
 */
export const PROTOCOL_VERSION = 1;
