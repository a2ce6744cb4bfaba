import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { types } from 'mediasoup';
import { Database } from '@maskwatch/db/Database';
import { ensureWorkerBin } from '../media/workerBin.ts';
import type { PublicationEnd, Publisher } from './CameraService.ts';

// mediasoup reads MEDIASOUP_WORKER_BIN when it loads: set it first, import after.
ensureWorkerBin();
process.env.MASKWATCH_LOG_LEVEL ??= 'silent';
const { createWorker } = await import('mediasoup');
const { CameraService } = await import('./CameraService.ts');

/** A publisher as a camera page's connection is one: it made its transport and producer, and closes them when asked. */
class TestPublisher implements Publisher {
  readonly ends: PublicationEnd[] = [];
  producer: types.Producer | undefined;

  constructor(
    readonly id: string,
    readonly transport: types.PlainTransport,
  ) {}

  async produce(ssrc: number): Promise<types.Producer> {
    this.producer = await this.transport.produce({
      kind: 'video',
      rtpParameters: {
        codecs: [{ mimeType: 'video/H264', payloadType: 102, clockRate: 90000, parameters: { 'packetization-mode': 1 } }],
        encodings: [{ ssrc }],
      },
    });
    return this.producer;
  }

  stop(end: PublicationEnd): void {
    this.ends.push(end);
    this.producer?.close();
  }
}

describe('CameraService publications: the publisher owns its video', () => {
  const dir = mkdtempSync(join(tmpdir(), 'maskwatch-cameras-'));
  let db: Database;
  let worker: types.Worker;
  let router: types.Router;

  before(async () => {
    db = new Database({ path: join(dir, 'cameras.db') });
    worker = await createWorker();
    router = await worker.createRouter({
      mediaCodecs: [{ kind: 'video', mimeType: 'video/H264', clockRate: 90000, parameters: { 'packetization-mode': 1 } }],
    });
  });
  after(() => {
    worker?.close();
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const publisher = async (id: string) =>
    new TestPublisher(id, await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' } }));

  test('a newer publisher takes the camera over: the previous one is asked to stop and closes its own producer', async () => {
    const cameras = new CameraService(db);
    const camera = cameras.create({ kind: 'browser', name: 'Door' });
    const first = await publisher('socket-1');
    cameras.publish(camera.id, first);
    const firstProducer = await first.produce(1111);
    cameras.setVideo(camera.id, first.id, { producer: firstProducer, group: 'default' });
    assert.equal(cameras.viewOf(camera.id).producerId, firstProducer.id);

    const second = await publisher('socket-2');
    cameras.publish(camera.id, second);
    assert.deepEqual(first.ends, [{ code: 'conflict', message: 'camera "Door" was taken over by another connection' }]);
    assert.equal(cameras.publisherOf(camera.id), 'socket-2');
    // The stale publisher's late word changes nothing now.
    cameras.setStatus(camera.id, 'error', 'stale', 'socket-1');
    cameras.release(camera.id, 'socket-1');
    assert.equal(cameras.publisherOf(camera.id), 'socket-2');
    assert.notEqual(cameras.viewOf(camera.id).statusDetail, 'stale');
    const secondProducer = await second.produce(2222);
    cameras.setVideo(camera.id, first.id, { producer: secondProducer, group: 'default' });
    assert.equal(cameras.videoOf(camera.id), undefined, 'video from a publisher that is not the camera\'s is ignored');
    cameras.setVideo(camera.id, second.id, { producer: secondProducer, group: 'default' });
    assert.equal(cameras.videoOf(camera.id)?.producer, secondProducer);
    first.transport.close();
    second.transport.close();
  });

  test('release and a new video leave the producer open: only its owner closes it', async () => {
    const cameras = new CameraService(db);
    const camera = cameras.create({ kind: 'browser', name: 'Gate' });
    const owner = await publisher('socket-3');
    cameras.publish(camera.id, owner);
    const old = await owner.produce(3333);
    cameras.setVideo(camera.id, owner.id, { producer: old, group: 'default' });
    const replacement = await owner.produce(4444);
    cameras.setVideo(camera.id, owner.id, { producer: replacement, group: 'default' });
    assert.equal(old.closed, false, 'replacing the video did not close the old producer');
    assert.equal(cameras.videoOf(camera.id)?.producer, replacement);

    cameras.release(camera.id, owner.id, 'offline', 'page closed');
    assert.equal(replacement.closed, false, 'release did not close the producer');
    assert.equal(cameras.videoOf(camera.id), undefined);
    assert.equal(cameras.viewOf(camera.id).hasVideo, false);
    assert.deepEqual(owner.ends, [], 'nobody asked the owner to stop: it left by itself');
    owner.transport.close();
    assert.equal(old.closed && replacement.closed, true, 'the owner closed what it made');
  });

  test('removing a camera asks its publisher to stop; a producer that closes clears the video and is pushed', async () => {
    const cameras = new CameraService(db);
    const kept = cameras.create({ kind: 'browser', name: 'Kept' });
    const owner = await publisher('socket-4');
    cameras.publish(kept.id, owner);
    const producer = await owner.produce(5555);
    cameras.setVideo(kept.id, owner.id, { producer, group: 'default' });
    const states: boolean[] = [];
    cameras.on('state', (view) => {
      if (view.id === kept.id) states.push(view.hasVideo);
    });
    producer.close();
    assert.equal(cameras.videoOf(kept.id), undefined);
    assert.deepEqual(states, [false]);

    const gone = cameras.create({ kind: 'browser', name: 'Gone' });
    const leaving = await publisher('socket-5');
    cameras.publish(gone.id, leaving);
    cameras.setVideo(gone.id, leaving.id, { producer: await leaving.produce(6666), group: 'default' });
    cameras.remove(gone.id);
    assert.deepEqual(leaving.ends, [{ code: 'not_found', message: 'this camera was removed' }]);
    assert.equal(leaving.producer?.closed, true, 'the publisher closed its producer when asked');
    owner.transport.close();
    leaving.transport.close();
  });
});
