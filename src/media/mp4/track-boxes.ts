/**
 * The boxes of one H.264 video track that the fragmented init segment (init-segment.ts) and the
 * progressive clip's moov (progressive.ts) share: mvhd, trak (tkhd, mdia: mdhd, hdlr, minf: vmhd,
 * dinf, stbl) and the stsd with its avc1 sample entry. ISO/IEC 14496-12 sections per box below;
 * the avc1 entry is ISO/IEC 14496-15 §5.4.2.1.
 *
 * Creation and modification times are 0 unless given (a pure function has no clock); durations
 * switch the box to version 1 (64-bit fields) only when they do not fit in 32 bits.
 */
import { ByteWriter, box, fields, fullBox } from './box';

/** Seconds from 1904-01-01 (the ISO BMFF epoch, §8.2.2.3) to 1970-01-01. */
const MP4_EPOCH_OFFSET_S = 2082844800;
const UINT32_LIMIT = 2 ** 32;
/** 16.16 fixed point 1.0 (§8.2.2.2 rate, tkhd width/height unit). */
const FIXED_16_16_ONE = 0x00010000;
/** 8.8 fixed point 1.0: full volume (§8.2.2.2). */
const FIXED_8_8_ONE = 0x0100;
/** §6.2.2 / §8.2.2: the identity transformation matrix {1,0,0, 0,1,0, 0,0,16384.0}. */
const UNITY_MATRIX: readonly number[] = [FIXED_16_16_ONE, 0, 0, 0, FIXED_16_16_ONE, 0, 0, 0, 0x40000000];
/** ISO 639-2/T 'und' packed as three 5-bit letters minus 0x60 (§8.4.2.3). */
const LANGUAGE_UND = ((0x75 - 0x60) << 10) | ((0x6e - 0x60) << 5) | (0x64 - 0x60);
/** §12.1.3.2: 72 dpi as 16.16, the value every writer uses. */
const RESOLUTION_72_DPI = 0x00480000;
/** tkhd flags (§8.3.2.3): track_enabled | track_in_movie. */
const TKHD_ENABLED_IN_MOVIE = 0x000003;
/** url flag (§8.7.2.3): the media data is in this file. */
const DATA_IN_SAME_FILE = 0x000001;
/** hdlr name, the one ffmpeg writes; players only show it. */
const HANDLER_NAME = 'VideoHandler';

export interface TrackInfo {
  trackId: number;
  /** Media and movie timescale (ticks per second). */
  timescale: number;
  /** Displayed picture size from the SPS. */
  width: number;
  height: number;
  /** The AVCDecoderConfigurationRecord (avcc.ts). */
  avcC: Buffer;
  /** Track duration in timescale ticks (0 for a fragmented file: fragments carry the time). */
  duration: number;
  /** Seconds since 1904-01-01 (mp4Time()); 0 = unknown. */
  creationTime: number;
}

/** A Date as seconds since 1904-01-01 (the mvhd/tkhd/mdhd creation_time unit). */
export function mp4Time(date: Date): number {
  return Math.floor(date.getTime() / 1000) + MP4_EPOCH_OFFSET_S;
}

function needsVersion1(t: TrackInfo): boolean {
  return t.duration >= UINT32_LIMIT || t.creationTime >= UINT32_LIMIT;
}

/** Writes creation_time, modification_time in the width the version asks for. */
function times(w: ByteWriter, v1: boolean, t: TrackInfo): void {
  if (v1) w.u64(t.creationTime).u64(t.creationTime);
  else w.u32(t.creationTime).u32(t.creationTime);
}

/** §8.2.2 Movie header. */
export function mvhd(t: TrackInfo): Buffer {
  const v1 = needsVersion1(t);
  const payload = fields((v1 ? 28 : 16) + 80, (w) => {
    times(w, v1, t);
    w.u32(t.timescale);
    if (v1) w.u64(t.duration);
    else w.u32(t.duration);
    w.u32(FIXED_16_16_ONE).u16(FIXED_8_8_ONE).zeros(2 + 8); // rate, volume, reserved
    for (const m of UNITY_MATRIX) w.u32(m);
    w.zeros(24).u32(t.trackId + 1); // pre_defined, next_track_ID
  });
  return fullBox('mvhd', v1 ? 1 : 0, 0, payload);
}

/** §8.3.1 Track box: tkhd + mdia, with `stbl` (the sample table, empty for fragments) inside. */
export function trak(t: TrackInfo, stbl: Buffer): Buffer {
  return box('trak', tkhd(t), box('mdia', mdhd(t), hdlr(), box('minf', vmhd(), dinf(), stbl)));
}

/** §8.3.2 Track header: width and height as 16.16 fixed point. */
function tkhd(t: TrackInfo): Buffer {
  const v1 = needsVersion1(t);
  const payload = fields((v1 ? 32 : 20) + 60, (w) => {
    times(w, v1, t);
    w.u32(t.trackId).u32(0); // track_ID, reserved
    if (v1) w.u64(t.duration);
    else w.u32(t.duration);
    w.zeros(8).u16(0).u16(0).u16(0).u16(0); // reserved, layer, alternate_group, volume (0: video), reserved
    for (const m of UNITY_MATRIX) w.u32(m);
    w.u32(t.width * FIXED_16_16_ONE).u32(t.height * FIXED_16_16_ONE);
  });
  return fullBox('tkhd', v1 ? 1 : 0, TKHD_ENABLED_IN_MOVIE, payload);
}

/** §8.4.2 Media header: the media timescale and duration. */
function mdhd(t: TrackInfo): Buffer {
  const v1 = needsVersion1(t);
  const payload = fields((v1 ? 28 : 16) + 4, (w) => {
    times(w, v1, t);
    w.u32(t.timescale);
    if (v1) w.u64(t.duration);
    else w.u32(t.duration);
    w.u16(LANGUAGE_UND).u16(0); // pad + language, pre_defined
  });
  return fullBox('mdhd', v1 ? 1 : 0, 0, payload);
}

/** §8.4.3 Handler reference: a video track. */
function hdlr(): Buffer {
  const payload = fields(4 + 4 + 12 + HANDLER_NAME.length + 1, (w) => {
    w.u32(0).fourcc('vide').zeros(12); // pre_defined, handler_type, reserved[3]
    w.bytes(Buffer.from(HANDLER_NAME, 'latin1')).u8(0); // name, null-terminated
  });
  return fullBox('hdlr', 0, 0, payload);
}

/** §12.1.2 Video media header: graphicsmode copy, opcolor 0; flags must be 1. */
function vmhd(): Buffer {
  return fullBox('vmhd', 0, 1, Buffer.alloc(8));
}

/** §8.7.1 Data information: one self-contained 'url ' entry (the samples are in this file). */
function dinf(): Buffer {
  const url = fullBox('url ', 0, DATA_IN_SAME_FILE);
  return box('dinf', fullBox('dref', 0, 0, fields(4, (w) => w.u32(1)), url));
}

/**
 * §8.5.2 Sample description with one avc1 entry (ISO/IEC 14496-15 §5.4.2.1), a VisualSampleEntry
 * (14496-12 §12.1.3) followed by the avcC box.
 */
export function stsd(t: TrackInfo): Buffer {
  const entry = fields(78, (w) => {
    w.zeros(6).u16(1); // SampleEntry: reserved[6], data_reference_index (the dref entry above)
    w.u16(0).u16(0).zeros(12); // pre_defined, reserved, pre_defined[3]
    w.u16(t.width).u16(t.height);
    w.u32(RESOLUTION_72_DPI).u32(RESOLUTION_72_DPI).u32(0); // horiz/vertresolution, reserved
    w.u16(1).zeros(32); // frame_count, compressorname (empty Pascal string in 32 bytes)
    w.u16(0x0018).u16(0xffff); // depth: colour, no alpha; pre_defined = -1
  });
  const avc1 = box('avc1', entry, box('avcC', t.avcC));
  return fullBox('stsd', 0, 0, fields(4, (w) => w.u32(1)), avc1);
}
