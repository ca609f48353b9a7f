/**
 * The simulator's clock (A011, docs/PROTOCOL.md §10) from a raw client: it keeps the time it is
 * given, runs with this computer's clock, names new files from it, and never answers A011.
 */
import assert from 'node:assert/strict';
import { MessageType, encodeClockPayload } from '../../src/protocol';
import { CameraSimulator } from '../../src/simulator';
import { XPROHACKS_A011_CLOCK, XPROHACKS_A011_FRAME } from '../fixtures/xprohacks-a011';
import { RawClient } from './raw-client';

describe('simulator: clock (A011)', function () {
  let sim: CameraSimulator;
  let client: RawClient;
  let now = Date.UTC(2026, 0, 1);

  beforeEach(async function () {
    now = Date.UTC(2026, 0, 1);
    sim = new CameraSimulator({ now: () => now });
    const addr = await sim.start();
    client = await RawClient.connect(addr.controlPort);
    await client.loginAndWait();
  });

  afterEach(async function () {
    client.close();
    await sim.stop();
  });

  async function takePicture(): Promise<string> {
    client.send(MessageType.TAKE_PICTURE);
    await client.next(MessageType.PICTURE_SAVED);
    return sim.files.at(-1)!.name;
  }

  it('is unset at first (a flat battery): new files get plain numbers', async function () {
    assert.equal(sim.clock, undefined);
    assert.equal(await takePicture(), 'IMG_0002.JPG');
  });

  it('keeps the captured time, runs on, names the next still from it, and sends no reply', async function () {
    client.socket.write(Buffer.from(XPROHACKS_A011_FRAME.replace(/\s+/g, ''), 'hex'));
    client.send(MessageType.REQUEST_FIRMWARE_INFO); // a round trip: A011 has been handled after this
    await client.next(MessageType.FIRMWARE_INFORMATION);
    const { year, month, day, hour, minute, second } = XPROHACKS_A011_CLOCK;
    assert.equal(sim.clock?.getTime(), new Date(year, month - 1, day, hour, minute, second).getTime());
    now += 65_000;
    assert.equal(sim.clock?.getTime(), new Date(year, month - 1, day, hour, minute + 1, second + 5).getTime());
    assert.equal(await takePicture(), 'IMG_20170318_190445_0002.JPG');
    client.send(MessageType.CONTROL_RECORDING, Buffer.from([1, 0, 0, 0]));
    await client.next(MessageType.RECORD_COMMAND_ACCEPT);
    client.send(MessageType.CONTROL_RECORDING, Buffer.from([0, 0, 0, 0]));
    await client.next(MessageType.RECORD_COMMAND_ACCEPT);
    assert.equal(sim.files.at(-1)!.name, 'VID_20170318_190445_0002.MP4');
    assert.ok(!client.types.includes(MessageType.SET_CLOCK + 1), 'no reply to A011');
  });

  it('ignores a payload that is not a clock', async function () {
    client.send(MessageType.SET_CLOCK, Buffer.from('0102', 'hex'));
    const bad = encodeClockPayload(XPROHACKS_A011_CLOCK);
    bad.writeUInt32LE(13, 16); // month 13
    client.send(MessageType.SET_CLOCK, bad);
    client.send(MessageType.REQUEST_FIRMWARE_INFO);
    await client.next(MessageType.FIRMWARE_INFORMATION);
    assert.equal(sim.clock, undefined);
  });
});
