/**
 * Wire constants of the "ipcamera" control protocol (docs/PROTOCOL.md §1-§4).
 * Names follow the reference implementation (S1 libipcamera/protocol.go).
 */

/** Control-channel magic, bytes 0-1 of every TCP message (docs/PROTOCOL.md §2.1). */
export const CONTROL_MAGIC = 0xabcd;
/** Preview-stream magic, bytes 0-1 of every preview datagram (docs/PROTOCOL.md §4.1). */
export const PREVIEW_MAGIC = 0xbcde;
/** Both headers are 8 bytes. */
export const HEADER_SIZE = 8;
/** The length field is a u16, so no payload can be longer (docs/PROTOCOL.md §2.1). */
export const MAX_PAYLOAD = 0xffff;

/** Control message types (docs/PROTOCOL.md §2.2). The upper 16 bits have always been zero. */
export const MessageType = {
  LOGIN: 0x0110,
  LOGIN_ACCEPT: 0x0111,
  ALIVE_REQUEST: 0x0112,
  ALIVE_RESPONSE: 0x0113,
  DISCOVERY_REQUEST: 0x0114,
  DISCOVERY_RESPONSE: 0x0115,
  START_PREVIEW: 0x01ff,
  /** Inferred from a replay of the vendor app, no reply recorded (docs/PROTOCOL.md §10). */
  SET_CLOCK: 0xa011,
  REQUEST_FILE_LIST: 0xa025,
  FILE_LIST_CONTENT: 0xa026,
  REQUEST_FIRMWARE_INFO: 0xa034,
  FIRMWARE_INFORMATION: 0xa035,
  TAKE_PICTURE: 0xa038,
  PICTURE_SAVED: 0xa039,
  CONTROL_RECORDING: 0xa03a,
  RECORD_COMMAND_ACCEPT: 0xa03b,
} as const;

export type KnownMessageType = (typeof MessageType)[keyof typeof MessageType];

const NAMES = new Map<number, string>(Object.entries(MessageType).map(([k, v]) => [v, k]));

/** `LOGIN_ACCEPT` for 0x0111, `0xA0FF` for a type nobody has named yet. */
export function messageName(type: number): string {
  return NAMES.get(type) ?? `0x${type.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Preview datagram types (docs/PROTOCOL.md §4.2-4.4). */
export const PreviewType = {
  H264: 1,
  TIME: 2,
  /** Seen (S2 "Filter Channel 5"), content unknown. */
  UNKNOWN_5: 5,
} as const;

/** Default ports and addresses, each with its source (docs/PROTOCOL.md §1). */
export const Defaults = {
  /** Camera address in access-point mode (XPro2, SJ4000 Air). */
  host: '192.168.100.1',
  /** TCP control port [C]. */
  controlPort: 6666,
  /** HTTP file server [W]. */
  httpPort: 80,
  /** UDP port the camera streams the preview to; fixed by the camera, not negotiated [W]. */
  previewPort: 6669,
  /** Discovery request ports; both are tried because firmware families differ [W]. */
  discoveryPorts: [22600, 21600] as readonly number[],
  /** Vendor-app credentials; not user-configurable on the camera [C]. */
  username: 'admin',
  password: '12345',
} as const;
