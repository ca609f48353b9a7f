/**
 * The live view's page: one self-contained HTML document (inline CSS and JS, nothing from another
 * origin, no library), served at the mount's `/`. Every URL in it is relative, so the same page
 * works at `http://host:8081/` (CLI) and at `<httpNodeRoot>/actioncam/<stream>/` (Node-RED).
 *
 * How it plays:
 *   - Media Source Extensions where the browser has them: fetch('stream.mp4'), cut the bytes into
 *     top-level boxes, read the codec from the init segment's avcC (a new init segment with another
 *     codec starts a fresh MediaSource), append init + moof/mdat pairs to a SourceBuffer.
 *   - otherwise native HLS (`index.m3u8`: Safari on iPhone and iPad).
 *   - `?hls` / `?mse` force one way; `?embed` shows the video alone (for an iframe, the dashboard).
 * Near the live edge: a playback position more than 0.5 s behind the buffered end plays 10 %
 * faster (no frame lost), more than 1 s behind jumps to 0.3 s behind; old media is removed from
 * the SourceBuffer. When no bytes come for 2.5 s, or the stream ends, it shows "camera offline /
 * reconnecting" and reconnects with a growing delay (1 s to 8 s).
 */

const SCRIPT = `
(function () {
  'use strict';
  var MAX_BEHIND = 1.0, CATCH_UP_BEHIND = 0.5, JUMP_TO_BEHIND = 0.3, SILENT_MS = 2500, KEEP_SECONDS = 10, MAX_QUEUED = 8 * 1024 * 1024;
  var de = /^de\\b/i.test(navigator.language || '');
  var T = de
    ? { connecting: 'verbinde \\u2026', offline: 'Kamera offline / verbinde neu \\u2026', unsupported: 'Dieser Browser kann die Liveansicht nicht abspielen.' }
    : { connecting: 'connecting \\u2026', offline: 'camera offline / reconnecting \\u2026', unsupported: 'This browser cannot play the live view.' };
  var query = new URLSearchParams(location.search);
  if (query.has('embed')) document.body.classList.add('embed');
  var video = document.getElementById('video');
  var overlay = document.getElementById('overlay');
  var retryMs = 1000, lastDataAt = Date.now(), session = 0, current = null;

  function show(text) { overlay.textContent = text; overlay.hidden = !text; }
  function retryLater(start) {
    show(T.offline);
    var delay = retryMs;
    retryMs = Math.min(8000, retryMs * 2);
    setTimeout(function () { current = start(); }, delay);
  }
  function play() { var p = video.play(); if (p && p.catch) p.catch(function () {}); }
  function behind() {
    var b = video.buffered;
    return b.length ? b.end(b.length - 1) - video.currentTime : 0;
  }
  function keepLive() {
    var b = video.buffered;
    if (!b.length) return;
    var end = b.end(b.length - 1), lag = end - video.currentTime, inRange = false;
    for (var i = 0; i < b.length; i++) if (video.currentTime >= b.start(i) && video.currentTime <= b.end(i)) inRange = true;
    if (lag > MAX_BEHIND || !inRange) { video.currentTime = Math.max(b.start(b.length - 1), end - JUMP_TO_BEHIND); video.playbackRate = 1; }
    else video.playbackRate = lag > CATCH_UP_BEHIND ? 1.1 : 1;
    if (video.paused) play();
  }

  /* ---- Media Source Extensions: stream.mp4 ---- */
  function u32(a, i) { return ((a[i] << 24) >>> 0) + (a[i + 1] << 16) + (a[i + 2] << 8) + a[i + 3]; }
  function type(a) { return String.fromCharCode(a[4], a[5], a[6], a[7]); }
  function hex(n) { return (n < 16 ? '0' : '') + n.toString(16); }
  function codecOf(moov) {
    for (var i = 8; i + 8 < moov.length; i++) {
      if (moov[i] === 0x61 && moov[i + 1] === 0x76 && moov[i + 2] === 0x63 && moov[i + 3] === 0x43) {
        return 'avc1.' + hex(moov[i + 5]) + hex(moov[i + 6]) + hex(moov[i + 7]);
      }
    }
    return 'avc1.42e01e';
  }
  function startMse() {
    var mine = ++session, ms = new MediaSource(), sb = null, codec = '', queue = [], queued = 0, pendingInit = null;
    lastDataAt = Date.now();
    var buf = new Uint8Array(256 * 1024), len = 0, controller = new AbortController(), ended = false;
    video.src = URL.createObjectURL(ms);
    function stop(why) {
      if (ended || mine !== session) return;
      ended = true;
      controller.abort();
      retryLater(startMse);
    }
    function pump() {
      if (!sb || sb.updating || ms.readyState !== 'open') return;
      if (queue.length) {
        var out = new Uint8Array(queued), at = 0;
        for (var i = 0; i < queue.length; i++) { out.set(queue[i], at); at += queue[i].length; }
        queue = []; queued = 0;
        try { sb.appendBuffer(out); } catch (e) { stop(e); }
        return;
      }
      var b = video.buffered;
      if (b.length && video.currentTime - b.start(0) > 3 * KEEP_SECONDS) {
        try { sb.remove(0, video.currentTime - KEEP_SECONDS); } catch (e) { /* next time */ }
      }
    }
    function enqueue(box) {
      queue.push(box); queued += box.length;
      if (queued > MAX_QUEUED) return stop('queue');
      pump();
    }
    function onBox(box) {
      var t = type(box);
      if (t === 'ftyp') { pendingInit = [box]; return; }
      if (t === 'moov' && pendingInit) {
        pendingInit.push(box);
        var c = codecOf(box), mime = 'video/mp4; codecs="' + c + '"';
        if (!sb) {
          sb = ms.addSourceBuffer(mime);
          sb.mode = 'segments';
          sb.addEventListener('updateend', function () {
            if (mine !== session) return;
            var b = video.buffered;
            if (b.length && video.currentTime < b.start(0)) video.currentTime = b.start(0);
            if (video.paused) play();
            pump();
          });
        } else if (c !== codec) {
          /* other parameter sets (a new resolution): start again with a fresh SourceBuffer */
          ended = true; controller.abort(); current = startMse();
          return;
        }
        codec = c;
        enqueue(pendingInit[0]); enqueue(pendingInit[1]);
        pendingInit = null;
        return;
      }
      if (sb) enqueue(box);
    }
    function take(chunk) {
      if (len + chunk.length > buf.length) {
        var bigger = new Uint8Array(Math.max(buf.length * 2, len + chunk.length));
        bigger.set(buf.subarray(0, len)); buf = bigger;
      }
      buf.set(chunk, len); len += chunk.length;
      var at = 0;
      while (len - at >= 8) {
        var size = u32(buf, at);
        if (size < 8) return stop('bad box');
        if (len - at < size) break;
        onBox(buf.slice(at, at + size));
        at += size;
      }
      if (at > 0) { buf.copyWithin(0, at, len); len -= at; }
    }
    ms.addEventListener('sourceopen', function () {
      URL.revokeObjectURL(video.src);
      fetch('stream.mp4', { cache: 'no-store', signal: controller.signal }).then(function (res) {
        if (!res.ok || !res.body) throw new Error('HTTP ' + res.status);
        var reader = res.body.getReader();
        function next() {
          return reader.read().then(function (r) {
            if (mine !== session || ended) return;
            if (r.done) return stop('end');
            lastDataAt = Date.now(); retryMs = 1000;
            if (!overlay.hidden) show('');
            take(r.value);
            return next();
          });
        }
        return next();
      }).catch(stop);
    }, { once: true });
    return function tick() {
      if (mine !== session || ended) return;
      if (Date.now() - lastDataAt > SILENT_MS) show(T.offline);
      keepLive();
      pump();
    };
  }

  /* ---- native HLS: index.m3u8 ---- */
  function startHls() {
    var mine = ++session, lastTime = -1, lastMoveAt = Date.now();
    video.src = 'index.m3u8';
    video.addEventListener('error', function onError() {
      video.removeEventListener('error', onError);
      if (mine === session) retryLater(startHls);
    });
    play();
    return function tick() {
      if (mine !== session) return;
      if (video.currentTime !== lastTime) { lastTime = video.currentTime; lastMoveAt = Date.now(); if (!overlay.hidden) show(''); }
      else if (Date.now() - lastMoveAt > SILENT_MS) show(T.offline);
      var s = video.seekable;
      if (s.length && s.end(s.length - 1) - video.currentTime > MAX_BEHIND + 2) video.currentTime = s.end(s.length - 1) - 1;
    };
  }

  var useMse = !query.has('hls') && window.MediaSource && MediaSource.isTypeSupported('video/mp4; codecs="avc1.42e01e"');
  var useHls = !query.has('mse') && video.canPlayType('application/vnd.apple.mpegurl');
  if (!useMse && !useHls) { show(T.unsupported); return; }
  show(T.connecting);
  current = useMse ? startMse() : startHls();
  setInterval(function () { if (current) current(); }, 250);
  window.actioncamLive = { behind: behind, mode: useMse ? 'mse' : 'hls' };
})();
`;

const STYLE = `
html, body { margin: 0; height: 100%; background: #111; color: #eee; font: 14px/1.4 system-ui, sans-serif; }
main { display: flex; flex-direction: column; height: 100%; }
header, footer { padding: 6px 12px; color: #aaa; }
header h1 { font-size: 16px; font-weight: 600; margin: 0; color: #eee; }
footer a { color: #8cf; }
.stage { position: relative; flex: 1; min-height: 0; display: flex; align-items: center; justify-content: center; }
video { width: 100%; height: 100%; object-fit: contain; background: #000; }
#overlay { position: absolute; left: 50%; top: 50%; transform: translate(-50%, -50%); padding: 8px 14px; border-radius: 6px;
  background: rgba(0, 0, 0, 0.7); color: #fff; font-weight: 600; }
#overlay[hidden] { display: none; }
body.embed header, body.embed footer { display: none; }
`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The page, titled `title` (the stream's name in Node-RED). */
export function livePage(title: string): string {
  const name = escapeHtml(title);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${name}</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<main>
<header><h1>${name}</h1></header>
<div class="stage">
<video id="video" muted autoplay playsinline disablepictureinpicture></video>
<div id="overlay" hidden></div>
</div>
<footer>Live fMP4: <a href="stream.mp4">stream.mp4</a> &middot; HLS: <a href="index.m3u8">index.m3u8</a> (VLC, ffplay, Safari)</footer>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/**
 * Content-Security-Policy of the page: everything from its own origin, the inline script and style,
 * media from blob: (MSE) and the origin (HLS); nothing else can load.
 */
export const PAGE_CSP =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; media-src 'self' blob:; img-src data:; base-uri 'none'; form-action 'none'";
