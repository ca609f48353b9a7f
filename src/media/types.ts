/** Media types shared by the preview receiver, the RTP packetizer, the relay and the RTSP server. */

/** One coded picture: the NAL units of one frame, in decoding order, without start codes. */
export interface AccessUnit {
  nalus: Buffer[];
  /** Presentation time on the 90 kHz clock, already wrapped to 0..2^32-1 (the source's, not RTP's). */
  timestamp: number;
  /** Contains an IDR slice (NAL type 5): a decoder can start here. */
  keyframe: boolean;
}

/** H.264 parameter sets, without start codes. */
export interface ParameterSets {
  sps: Buffer;
  pps: Buffer;
}
