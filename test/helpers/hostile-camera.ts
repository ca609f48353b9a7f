/**
 * What a hostile camera sends (issue 10), scripted on a FakeConnection: a file list up to the
 * protocol's own cap, and a flood of alive requests from a camera that never reads. Every loop is
 * bounded in count, respects the socket's back-pressure and stops when the client hangs up.
 */
import { MAX_PAYLOAD, MessageType, encodeFileListPart, encodeMessage, MAX_FILE_LIST_PARTS } from '../../src/protocol';
import type { FakeConnection } from './fake-camera';

/** Largest text a part can carry: the payload cap minus the two u32 counters. */
export const MAX_PART_TEXT = MAX_PAYLOAD - 8;

/** `entry` repeated to fill one part (whole entries only). */
export function partText(entry: string, bytes = MAX_PART_TEXT): string {
  return entry.repeat(Math.floor(bytes / entry.length));
}

/** Resolves once the socket can take more, or the connection is gone. */
function drained(conn: FakeConnection): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      conn.socket.off('drain', done);
      conn.socket.off('close', done);
      resolve();
    };
    conn.socket.on('drain', done);
    conn.socket.on('close', done);
  });
}

/**
 * Answers the next REQUEST_FILE_LIST with `parts` parts (default: the protocol's cap of 4096), each
 * carrying `text`. Resolves with the number of parts written when done or when the client left.
 */
export async function sendFileList(conn: FakeConnection, text: string, parts = MAX_FILE_LIST_PARTS): Promise<number> {
  await conn.nextMessage(MessageType.REQUEST_FILE_LIST);
  let sent = 0;
  for (; sent < parts && !conn.closed; sent++) {
    const frame = encodeMessage(MessageType.FILE_LIST_CONTENT, encodeFileListPart({ total: parts, index: sent, text }));
    if (!conn.socket.write(frame)) await drained(conn);
  }
  return sent;
}

/**
 * Stops reading (the camera's receive buffer fills, then ours) and sends up to `count` alive
 * requests in batches of 8192 (one 64 KiB write each). Resolves with the number sent when done or
 * when the client left.
 */
export async function floodAliveRequests(conn: FakeConnection, count: number): Promise<number> {
  conn.socket.pause();
  const batch = Buffer.concat(Array.from({ length: 8192 }, () => encodeMessage(MessageType.ALIVE_REQUEST)));
  let sent = 0;
  while (sent < count && !conn.closed) {
    if (!conn.socket.write(batch)) await drained(conn);
    sent += 8192;
  }
  return sent;
}
