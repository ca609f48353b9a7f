/** docs/PROTOCOL.md §8 test vectors: one table drives encode, decode and the stream framing tests. */
import { MessageType } from '../../src/protocol/constants';
import { encodeLoginPayload, encodeRecordPayload, encodeFileListRequestPayload, encodeStartPreviewPayload } from '../../src/protocol/payloads';
import { encodeClockPayload } from '../../src/protocol/clock';
import { XPROHACKS_A011_CLOCK, XPROHACKS_A011_FRAME } from '../fixtures/xprohacks-a011';

export interface Vector {
  name: string;
  type: number;
  payload: Buffer;
  wire: string; // hex as in docs/PROTOCOL.md §8
}

const login = encodeLoginPayload('admin', '12345');
const hex = (s: string) => s.replace(/\s+/g, '');

export const VECTORS: Vector[] = [
  { name: 'take picture', type: MessageType.TAKE_PICTURE, payload: Buffer.alloc(0), wire: 'abcd0000 0000a038' },
  { name: 'alive request', type: MessageType.ALIVE_REQUEST, payload: Buffer.alloc(0), wire: 'abcd0000 00000112' },
  { name: 'alive response', type: MessageType.ALIVE_RESPONSE, payload: Buffer.alloc(0), wire: 'abcd0000 00000113' },
  { name: 'discovery request', type: MessageType.DISCOVERY_REQUEST, payload: Buffer.alloc(0), wire: 'abcd0000 00000114' },
  { name: 'firmware info request', type: MessageType.REQUEST_FIRMWARE_INFO, payload: Buffer.alloc(0), wire: 'abcd0000 0000a034' },
  {
    name: 'start preview (vendor style)',
    type: MessageType.START_PREVIEW,
    payload: encodeStartPreviewPayload(),
    wire: 'abcd0008 000001ff 0000000000000000',
  },
  { name: 'file list request', type: MessageType.REQUEST_FILE_LIST, payload: encodeFileListRequestPayload(), wire: 'abcd0004 0000a025 01000000' },
  { name: 'record start', type: MessageType.CONTROL_RECORDING, payload: encodeRecordPayload(true), wire: 'abcd0004 0000a03a 01000000' },
  { name: 'record stop', type: MessageType.CONTROL_RECORDING, payload: encodeRecordPayload(false), wire: 'abcd0004 0000a03a 00000000' },
  {
    name: 'login admin/12345',
    type: MessageType.LOGIN,
    payload: login,
    wire: 'abcd0080 00000110' + '61646d696e' + '00'.repeat(59) + '3132333435' + '00'.repeat(59),
  },
  { name: 'login accept XPro2 (128)', type: MessageType.LOGIN_ACCEPT, payload: login, wire: 'abcd0080 00000111' + login.toString('hex') },
  {
    name: 'login accept SJ4000 Air (129)',
    type: MessageType.LOGIN_ACCEPT,
    payload: Buffer.concat([login, Buffer.from([0x01])]),
    wire: 'abcd0081 00000111' + login.toString('hex') + '01',
  },
  // docs/PROTOCOL.md §10: the captured SET_CLOCK, byte for byte.
  { name: 'set clock (nonzod/XproHacks 582b620)', type: MessageType.SET_CLOCK, payload: encodeClockPayload(XPROHACKS_A011_CLOCK), wire: XPROHACKS_A011_FRAME },
].map((v) => ({ ...v, wire: hex(v.wire).toLowerCase() }));
