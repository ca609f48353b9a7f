import assert from 'node:assert/strict';
import type * as sinon from 'sinon';
import { AbortedError, ConnectionClosedError, ProtocolError, TimeoutError } from '../../src/errors';
import { MessageType, type ControlMessage } from '../../src/protocol';
import { PendingRequests, type PendingRequestSpec } from '../../src/session/pending-requests';
import { useFakeTimers } from './util';

const { CONTROL_RECORDING, RECORD_COMMAND_ACCEPT, TAKE_PICTURE, PICTURE_SAVED } = MessageType;

function reply(type: number, payload: number[] = []): ControlMessage {
  return { type, payload: Buffer.from(payload) };
}

describe('session/PendingRequests', () => {
  let clock: sinon.SinonFakeTimers;
  let pending: PendingRequests;
  let sent: string[];

  beforeEach(() => {
    clock = useFakeTimers();
    pending = new PendingRequests('camera 127.0.0.1:6666');
    sent = [];
  });
  afterEach(() => clock.restore());

  function add(name: string, overrides: Partial<PendingRequestSpec> = {}): Promise<ControlMessage> {
    return pending.add({
      requestType: CONTROL_RECORDING,
      replyType: RECORD_COMMAND_ACCEPT,
      timeoutMs: 5000,
      send: () => sent.push(name),
      ...overrides,
    });
  }

  it('sends at once and resolves with the reply', async () => {
    const p = add('start');
    assert.deepEqual(sent, ['start']);
    assert.equal(pending.resolve(reply(RECORD_COMMAND_ACCEPT, [1])), true);
    assert.deepEqual((await p).payload, Buffer.from([1]));
    assert.equal(pending.size, 0);
    assert.equal(clock.countTimers(), 0);
  });

  it('serialises requests that share a reply type (record start, then stop)', async () => {
    const start = add('start');
    const stop = add('stop');
    assert.deepEqual(sent, ['start'], 'stop waits until start is answered');
    pending.resolve(reply(RECORD_COMMAND_ACCEPT, [1]));
    assert.deepEqual(sent, ['start', 'stop']);
    pending.resolve(reply(RECORD_COMMAND_ACCEPT, [2]));
    assert.deepEqual((await start).payload, Buffer.from([1]));
    assert.deepEqual((await stop).payload, Buffer.from([2]));
  });

  it('keeps requests of different reply types in flight together', async () => {
    const record = add('record');
    const picture = add('picture', { requestType: TAKE_PICTURE, replyType: PICTURE_SAVED });
    assert.deepEqual(sent, ['record', 'picture']);
    pending.resolve(reply(PICTURE_SAVED));
    pending.resolve(reply(RECORD_COMMAND_ACCEPT));
    await Promise.all([record, picture]);
  });

  it('returns false for a reply nobody waits for', () => {
    assert.equal(pending.resolve(reply(0xa0ff)), false);
  });

  it('times out with a message naming camera, request, reply and limit, and cleans up', async () => {
    const p = add('start');
    clock.tick(4999);
    assert.equal(pending.size, 1);
    clock.tick(1);
    await assert.rejects(p, (err: unknown) => {
      assert.ok(err instanceof TimeoutError);
      assert.equal(
        err.message,
        'camera 127.0.0.1:6666 did not answer CONTROL_RECORDING (0xA03A) with RECORD_COMMAND_ACCEPT (0xA03B) within 5 s',
      );
      return true;
    });
    assert.equal(pending.size, 0);
    assert.equal(clock.countTimers(), 0);
    assert.equal(pending.resolve(reply(RECORD_COMMAND_ACCEPT)), false, 'the late reply is unmatched');
  });

  it('a timed-out head lets the next queued request go out', async () => {
    const first = add('first', { timeoutMs: 1000 });
    const second = add('second', { timeoutMs: 5000 });
    first.catch(() => undefined);
    clock.tick(1000);
    await assert.rejects(first, TimeoutError);
    assert.deepEqual(sent, ['first', 'second']);
    pending.resolve(reply(RECORD_COMMAND_ACCEPT));
    await second;
  });

  it('the deadline counts from add(), including the wait in the queue', async () => {
    const first = add('first');
    const second = add('second', { timeoutMs: 2000 });
    clock.tick(2000);
    await assert.rejects(second, TimeoutError);
    assert.deepEqual(sent, ['first'], 'a queued request that timed out is never sent');
    pending.resolve(reply(RECORD_COMMAND_ACCEPT));
    await first;
  });

  it('abort of the request in flight rejects it and sends the next', async () => {
    const ac = new AbortController();
    const first = add('first', { signal: ac.signal });
    const second = add('second');
    ac.abort();
    await assert.rejects(first, AbortedError);
    assert.deepEqual(sent, ['first', 'second']);
    pending.resolve(reply(RECORD_COMMAND_ACCEPT));
    await second;
    assert.equal(clock.countTimers(), 0);
  });

  it('abort of a queued request removes it without sending', async () => {
    const ac = new AbortController();
    const first = add('first');
    const second = add('second', { signal: ac.signal });
    ac.abort();
    await assert.rejects(second, AbortedError);
    pending.resolve(reply(RECORD_COMMAND_ACCEPT));
    await first;
    assert.deepEqual(sent, ['first']);
  });

  it('an already aborted signal rejects without sending', async () => {
    await assert.rejects(add('x', { signal: AbortSignal.abort() }), AbortedError);
    assert.deepEqual(sent, []);
    assert.equal(pending.size, 0);
  });

  it('rejectAll() rejects in-flight and queued requests and sends nothing more', async () => {
    const a = add('a');
    const b = add('b');
    const c = add('c', { requestType: TAKE_PICTURE, replyType: PICTURE_SAVED });
    const err = new ConnectionClosedError('closed');
    pending.rejectAll(err);
    for (const p of [a, b, c]) await assert.rejects(p, (e: unknown) => e === err);
    assert.deepEqual(sent, ['a', 'c']);
    assert.equal(pending.size, 0);
    assert.equal(clock.countTimers(), 0);
  });

  it('collects multi-part replies until accept() says complete', async () => {
    const parts: number[] = [];
    const p = add('list', {
      replyType: MessageType.FILE_LIST_CONTENT,
      accept: (m) => {
        parts.push(m.payload[0]);
        return parts.length === 3;
      },
    });
    pending.resolve(reply(MessageType.FILE_LIST_CONTENT, [2]));
    pending.resolve(reply(MessageType.FILE_LIST_CONTENT, [0]));
    assert.equal(pending.size, 1);
    pending.resolve(reply(MessageType.FILE_LIST_CONTENT, [1]));
    await p;
    assert.deepEqual(parts, [2, 0, 1]);
  });

  it('rejects the request when accept() throws', async () => {
    const p = add('list', {
      accept: () => {
        throw new ProtocolError('bad part');
      },
    });
    assert.equal(pending.resolve(reply(RECORD_COMMAND_ACCEPT)), true);
    await assert.rejects(p, ProtocolError);
    assert.equal(pending.size, 0);
  });

  it('rejects a request whose send() throws and moves on to the next', async () => {
    const first = add('first');
    const second = add('second', {
      send: () => {
        throw new ConnectionClosedError('gone');
      },
    });
    const third = add('third');
    pending.resolve(reply(RECORD_COMMAND_ACCEPT));
    await first;
    await assert.rejects(second, ConnectionClosedError);
    assert.deepEqual(sent, ['first', 'third']);
    pending.resolve(reply(RECORD_COMMAND_ACCEPT));
    await third;
  });
});
