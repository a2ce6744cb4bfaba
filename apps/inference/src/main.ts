import { stopOnSignals } from '@maskwatch/common/process/stopOnSignals';
import { createLogger } from '@maskwatch/common/logger';
import { loadNodeConfig, NodeConfigError } from './config/NodeConfig.ts';
import { ephemeralOverlap } from '@maskwatch/ffmpeg/allocatePorts';
import { createInferenceNode } from './InferenceNode.ts';

const log = createLogger('main');

let config;
try {
  config = loadNodeConfig();
} catch (error) {
  if (error instanceof NodeConfigError) {
    process.stderr.write(`maskwatch inference: ${error.message}\n`);
    process.exit(2);
  }
  throw error;
}

// From here on a stop signal is never lost: during start-up it is kept and acted on once the node exists.
const stop = stopOnSignals(log, { deadlineMs: config.stopDeadlineMs });

const overlap = ephemeralOverlap(config.rtpPorts);
if (overlap) {
  log.warn(
    { rtpPorts: config.rtpPorts, overlap },
    'MASKWATCH_NODE_RTP_PORTS overlaps the ephemeral port range (net.ipv4.ip_local_port_range): an outgoing socket may take a decoder port; choose a range outside it',
  );
}

let node;
try {
  node = await createInferenceNode(config);
  stop.own(node);
} catch (error) {
  log.fatal({ err: error }, 'could not start');
  process.stderr.write(`maskwatch inference: could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
log.info({ nodeId: node.nodeId, server: config.serverUrl, rtpHost: config.rtpHost }, 'inference node running');
