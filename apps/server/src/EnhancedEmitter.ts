// The server's modules import the emitter from here; it is the one every Maskwatch process shares.
export { EnhancedEmitter } from '@maskwatch/common/EnhancedEmitter';
