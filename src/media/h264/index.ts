/** H.264 bitstream helpers: Annex-B splitting, NAL types, SPS parsing, access-unit grouping. */
export * from './annexb';
export * from './nal';
export * from './bit-reader';
export * from './sps';
export * from './access-units';
