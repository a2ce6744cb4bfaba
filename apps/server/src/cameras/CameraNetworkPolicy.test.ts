import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultCameraNetworks, refusedAddress, refusedSource } from './CameraNetworkPolicy.ts';

test('defaults: loopback denied when listening beyond this machine; link-local and multicast always', async () => {
  const lan = defaultCameraNetworks(false);
  const local = defaultCameraNetworks(true);
  for (const address of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1'])
    assert.ok(refusedAddress(address, lan), address);
  assert.equal(refusedAddress('127.0.0.1', local), null);
  for (const address of ['169.254.169.254', 'fe80::1', '224.0.0.1', '0.0.0.0', '::'])
    assert.ok(refusedAddress(address, local) && refusedAddress(address, lan), address);
  for (const address of ['192.168.1.20', '10.0.0.5', '203.0.113.7', 'fd00::5'])
    assert.equal(refusedAddress(address, lan), null, address);
  assert.ok(await refusedSource('rtsp://127.0.0.1:8554/x', lan));
  assert.ok(await refusedSource('rtsp://[::1]:8554/x', lan));
  assert.ok(await refusedSource('rtsp://localhost:8554/x', lan), 'a name is checked by its addresses');
  assert.equal(await refusedSource('rtsp://user:pw@192.168.1.20/s', lan), null);
});

test('an allowed network wins over a denied one; admins may deny a LAN', async () => {
  const networks = { allow: ['127.0.0.1/32'], deny: ['127.0.0.0/8', '10.0.0.0/8'] };
  assert.equal(refusedAddress('127.0.0.1', networks), null);
  assert.ok(refusedAddress('127.0.0.2', networks));
  assert.ok(await refusedSource('rtsp://10.1.2.3/s', networks));
});
