export * from './constants';
export * from './message';
export * from './frame-reader';
export * from './payloads';
export * from './file-list';
export * from './firmware';
export * from './discovery';
export * from './preview';
