// The server's modules import their logger from here; it is the one every Maskwatch process shares.
export { createLogger, type Logger } from '@maskwatch/common/logger';
