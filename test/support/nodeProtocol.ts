/**
 * What a test says when it speaks the `/inference` protocol as a node would (a socket.io client, not a node
 * process): a node's capacity and its hello.
 */
export const NODE_CAPACITY = {
  executionProvider: 'cpu',
  maxCameras: 4,
  fps: 5,
  frameMaxSide: 640,
  detector: 'yunet',
  classifier: 'mobilenetv2-int8',
  classifierSha256: 'a'.repeat(64),
};

export const NODE_HELLO = { name: 'probe', capacity: NODE_CAPACITY, rtpHost: '127.0.0.1', version: 'test' };
