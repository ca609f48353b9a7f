import { strict as assert } from 'node:assert';
import { buildRtspUrl, classifyTarget, contentBase, normalizeMountPath, trackUrl, uriPath } from '../../src/rtsp/url';

describe('rtsp/url', () => {
  const TARGETS: Array<[string, string]> = [
    ['*', 'any'],
    ['rtsp://127.0.0.1:8554', 'server'], // MPlayer's Real probe
    ['rtsp://127.0.0.1:8554/', 'server'],
    ['rtsp://127.0.0.1:8554/live', 'aggregate'],
    ['rtsp://127.0.0.1:8554/live/', 'aggregate'], // Content-Base as ffmpeg and gst send PLAY
    ['rtsp://cam.example:554/live?token=1', 'aggregate'],
    ['RTSP://[::1]:8554/live/trackID=0', 'track'],
    ['rtsp://127.0.0.1:8554/live/trackid=0/', 'track'],
    ['/live', 'aggregate'],
    ['rtsp://127.0.0.1:8554/stream=0', 'other'], // VLC's SAT>IP PLAY
    ['rtsp://127.0.0.1:8554/live2', 'other'],
    ['rtsp://127.0.0.1:8554/live/trackID=1', 'other'],
    ['live', 'other'],
  ];
  for (const [uri, kind] of TARGETS) {
    it(`classifies ${uri} as ${kind}`, () => assert.equal(classifyTarget(uri, '/live', 'trackID=0').kind, kind));
  }

  it('serves a root mount', () => {
    assert.equal(classifyTarget('rtsp://h:1/', '/', 'trackID=0').kind, 'aggregate');
    assert.equal(classifyTarget('rtsp://h:1/trackID=0', '/', 'trackID=0').kind, 'track');
  });

  it('extracts the path without query or fragment', () => {
    assert.equal(uriPath('rtsp://h:1'), '/');
    assert.equal(uriPath('rtsp://h:1?x'), '/');
    assert.equal(uriPath('rtsps://h/a/b?c#d'), '/a/b');
    assert.equal(uriPath('*'), undefined);
  });

  it('builds Content-Base with one trailing slash and the track URL from it', () => {
    assert.equal(contentBase('rtsp://h:1/live'), 'rtsp://h:1/live/');
    assert.equal(contentBase('rtsp://h:1/live//?a=b'), 'rtsp://h:1/live/');
    assert.equal(trackUrl('rtsp://h:1/live/', 'trackID=0'), 'rtsp://h:1/live/trackID=0');
  });

  it('normalizes mount paths and brackets IPv6 hosts', () => {
    assert.equal(normalizeMountPath('live/'), '/live');
    assert.equal(normalizeMountPath('/'), '/');
    assert.equal(buildRtspUrl('::1', 8554, 'cam'), 'rtsp://[::1]:8554/cam');
    assert.equal(buildRtspUrl('127.0.0.1', 8554, '/live'), 'rtsp://127.0.0.1:8554/live');
  });
});
