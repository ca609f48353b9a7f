/**
 * Discovery datagrams, docs/PROTOCOL.md §3. The request is a bare control header of type 0114; the
 * reply is presumed to be an ABCD message of type 0115 whose payload nobody has decoded, so the
 * parser never rejects a reply: it reports what it can (type, a printable serial) and the hex.
 */
import { CONTROL_MAGIC, HEADER_SIZE, MessageType } from './constants';
import { encodeMessage } from './message';

export function encodeDiscoveryRequest(): Buffer {
  return encodeMessage(MessageType.DISCOVERY_REQUEST);
}

export interface DiscoveryReply {
  /** Message type when the datagram carries an ABCD header, else undefined. */
  type?: number;
  /** A printable identifier found in the payload (serial/name), when there is one. */
  serial?: string;
  /** The whole datagram in hex. */
  raw: string;
}

/** Minimum length of a printable run to be reported as a serial. */
const MIN_SERIAL = 4;

export function parseDiscoveryReply(datagram: Buffer): DiscoveryReply {
  const raw = datagram.toString('hex');
  let payload = datagram;
  let type: number | undefined;
  if (datagram.length >= HEADER_SIZE && datagram.readUInt16BE(0) === CONTROL_MAGIC) {
    type = datagram.readUInt32BE(4);
    payload = datagram.subarray(HEADER_SIZE, HEADER_SIZE + Math.min(datagram.readUInt16BE(2), datagram.length - HEADER_SIZE));
  }
  const serial = printableRun(payload);
  const out: DiscoveryReply = { raw };
  if (type !== undefined) out.type = type;
  if (serial) out.serial = serial;
  return out;
}

/** Is this datagram our own request echoed back (a broadcast we hear ourselves)? */
export function isDiscoveryRequest(datagram: Buffer): boolean {
  return datagram.length >= HEADER_SIZE && datagram.readUInt16BE(0) === CONTROL_MAGIC && datagram.readUInt32BE(4) === MessageType.DISCOVERY_REQUEST;
}

/** The first run of printable ASCII of at least MIN_SERIAL characters, trimmed. */
function printableRun(bytes: Buffer): string | undefined {
  let cur = '';
  for (const b of bytes) {
    if (b > 0x20 && b < 0x7f) cur += String.fromCharCode(b);
    else if (cur.length >= MIN_SERIAL) break;
    else cur = '';
  }
  return cur.length >= MIN_SERIAL ? cur : undefined;
}
