/** Help texts for `actioncam --help` and `actioncam <command> --help`. */
import type { CommandName } from './args';
import { CAMERA_DEFAULTS } from './args';
import { ClipDefaults } from '../clip/defaults';
import { LiveDefaults } from '../live/defaults';

const CAMERA_OPTIONS = `Camera options:
  --host HOST          camera address (default ${CAMERA_DEFAULTS.host})
  --port PORT          control port (default ${CAMERA_DEFAULTS.port})
  --user NAME          login name (default ${CAMERA_DEFAULTS.user})
  --password TEXT      login password (default ${CAMERA_DEFAULTS.password})
  --http-port PORT     the camera's file server (default ${CAMERA_DEFAULTS.httpPort})
  --preview-port PORT  UDP port the camera sends its preview to (default ${CAMERA_DEFAULTS.previewPort})`;

const GENERAL_OPTIONS = `General options:
  --timeout MS         how long to wait for the camera (connect, login, each reply)
  --json               print one JSON document (the Node-RED node's msg.payload) instead of text
  --verbose            log what happens to stderr
  -h, --help           show help (also: actioncam help COMMAND)
  --version            print the version`;

export const MAIN_USAGE = `Usage: actioncam COMMAND [options]

Control a WiFi action camera that speaks the "ipcamera" protocol (CamPark ACT76, TecTecTec XPro2,
SJCAM SJ4000 Air and relatives).

Commands:
  discover             find cameras on the network (UDP)
  firmware             print the firmware version and information words
  ls                   list the files on the SD card
  still                take a picture and print the new file
  record               start recording
  stop                 stop recording
  fetch [PATH]         download a file (the newest when PATH is left out)
  sync --out DIR       mirror the card into DIR: download what is not there yet
  clock [--time ISO]   set the camera's clock (experimental)
  watch                print what the camera sends unasked (to learn the protocol)
  cmd HEX              send a raw command and print the reply
  relay                turn the live preview into RTP and print the SDP
  rtsp                 serve the live preview as an RTSP URL
  clip                 save an MP4 clip of the live preview, optionally with a pre-roll
  live                 serve the live view to web browsers (fMP4, HLS and a page)
  simulate             run a camera simulator on this machine

${CAMERA_OPTIONS}

${GENERAL_OPTIONS}

Exit status: 0 on success, 1 when the camera or network fails, 2 for a usage error.
Run 'actioncam COMMAND --help' for a command's own options.`;

const COMMAND_USAGE: Record<Exclude<CommandName, 'help'>, string> = {
  discover: `Usage: actioncam discover [--address ADDR] [--ports LIST] [--timeout MS] [--json]

Sends the discovery request and lists every camera that answers before the timeout (default 3000 ms).
  --address ADDR   where to send the request (default 255.255.255.255, the local broadcast)
  --ports LIST     comma-separated UDP ports (default 22600,21600)`,
  firmware: `Usage: actioncam firmware [camera options] [--json]

Prints the firmware version, the information words and the raw reply.`,
  ls: `Usage: actioncam ls [camera options] [--json]

Lists the files on the SD card with their size, type and download URL.`,
  still: `Usage: actioncam still [camera options] [--json]

Takes a picture and prints the file it created (found by listing the files before and after).`,
  record: `Usage: actioncam record [camera options] [--json]

Starts recording on the SD card.`,
  stop: `Usage: actioncam stop [camera options] [--json]

Stops recording.`,
  fetch: `Usage: actioncam fetch [PATH] [--out DIR] [--overwrite] [--max-size SIZE] [camera options] [--json]

Downloads PATH (as 'ls' prints it) over HTTP, or the newest file when PATH is left out.
A file of that name in DIR is kept: the download gets the next free name, 'IMG_0001 (1).JPG'.
  -o, --out DIR      folder to write into (default: the current folder; created when missing)
  --overwrite        replace a file of the same name in DIR instead
  --max-size SIZE    refuse a larger file, e.g. 500M (default 4G, the FAT32 limit of the card)`,
  sync: `Usage: actioncam sync --out DIR [--type video|photo|all] [--max-size SIZE] [camera options] [--json]

Mirrors the SD card into DIR, keeping the camera's folders (DIR/DCIM/MOVIE/...): downloads every
listed file that is not in DIR with its listed size, skips the rest, so a second run right after the
first downloads nothing. Each file is written under a temporary name and renamed once complete;
a file that fails is reported and the others go on (exit status 1 then). A path that would leave
DIR is refused. Progress ("syncing 3/12 · 45 %") goes to stderr.
  -o, --out DIR      the mirror folder (created when missing)
  --type TYPE        video, photo or all (default all)
  --max-size SIZE    refuse a larger file, e.g. 500M (default 4G, the FAT32 limit of the card)
With --json: {"downloaded":[{path,size,file}],"skipped":n,"failed":[{path,error}],"bytes":n}.`,
  clock: `Usage: actioncam clock [--time ISO] [camera options] [--json]

Sets the camera's clock to --time (default: now), in this computer's local time: the camera has no
time zone. ISO 8601, e.g. 2024-05-01T12:30:00 (local) or 2024-05-01T10:30:00Z.
Experimental: the message (A011) is inferred from a replay of the vendor app (nonzod/XproHacks,
docs/PROTOCOL.md §10) and the camera does not confirm it; check the date on the camera.`,
  watch: `Usage: actioncam watch [camera options] [--json]

Prints every message the camera sends that nobody asked for, until interrupted (Ctrl+C): press the
camera's buttons and see what it says. One line per message (time, type, name, size, hex), or with
--json one JSON object per line: {"type","typeHex","name","hex"}. At most 20 a second are shown;
the rest are counted on stderr. Reconnects by itself while watching.`,
  cmd: `Usage: actioncam cmd HEX [--reply HEX|none] [camera options] [--json]

Sends a raw command: the first two bytes of HEX are the message type, the rest is the payload.
Example: 'actioncam cmd a038' takes a picture; 'actioncam cmd a03a01000000' starts recording.
  --reply HEX|none   the reply type to wait for (default: the command type + 1), or none`,
  relay: `Usage: actioncam relay [--to HOST:PORT] [--sdp FILE] [camera options]

Receives the camera's preview and sends it as standard RTP (RFC 6184) until interrupted (Ctrl+C).
Prints the SDP first; play it with e.g. 'ffplay -protocol_whitelist file,udp,rtp FILE.sdp'.
  --to HOST:PORT   where to send the RTP (default 127.0.0.1:5220)
  --sdp FILE       also write the SDP to FILE`,
  rtsp: `Usage: actioncam rtsp [--listen HOST:PORT] [--path /live] [--rtsp-user NAME --rtsp-password TEXT]
                     [camera options]

Serves the camera's preview to any number of RTSP players until interrupted (Ctrl+C).
Prints the URL first, e.g. rtsp://127.0.0.1:8554/live.
  --listen HOST:PORT     address to serve on (default 127.0.0.1:8554; 0.0.0.0 for the whole network)
  --path /live           the stream's path (default /live)
  --rtsp-user NAME       players must log in (HTTP Digest) with this name and --rtsp-password;
  --rtsp-password TEXT   set both before serving beyond this machine (--user/--password are the camera's)`,
  clip: `Usage: actioncam clip [--seconds N] [--pre-roll S] [--out FILE.mp4] [camera options] [--json]

Saves the camera's live preview as an MP4 file (H.264, the index at the front: VLC, browsers,
Telegram and ffprobe play it) and prints where, its length, frames and size. No ffmpeg needed.
  --seconds N      seconds to record (default ${ClipDefaults.seconds}, at most ${ClipDefaults.longestClipSeconds})
  --pre-roll S     first fill a pre-roll of S seconds (default 0, at most ${ClipDefaults.maxPreRollSeconds}): the clip then
                   starts at the last keyframe at least S s before the recording, as a triggered clip does
  -o, --out FILE   the clip's file (default <host>-<YYYYMMDD-HHMMSS>.mp4 in the current folder); an
                   existing file is never replaced: the clip gets a numbered name, "FILE (1).mp4"
Ctrl+C ends the clip early and saves it; a second Ctrl+C gives up (nothing is saved).`,
  live: `Usage: actioncam live [--listen HOST:PORT] [camera options]

Serves the camera's preview to web browsers until interrupted (Ctrl+C). Prints the page's URL first,
e.g. http://127.0.0.1:8081/. Paths: / the page (plays in any current browser), /stream.mp4 the live
fragmented MP4 (<video src>, ffmpeg -i, VLC), /index.m3u8 HLS of fMP4 segments (Safari, ffplay).
  --listen HOST:PORT   address to serve on (default ${LiveDefaults.host}:${LiveDefaults.port}; 0.0.0.0 for the whole network)`,
  simulate: `Usage: actioncam simulate [--host ADDR] [--port PORT] [--http-port PORT] [--discovery-ports LIST]
                         [--preview-port PORT] [--clip FILE] [--user NAME] [--password TEXT]

Runs a camera simulator until interrupted (Ctrl+C / SIGTERM). Prints one JSON line first:
{"host","controlPort","httpPort","discoveryPorts","previewPort"}. Port 0 lets the system choose a
listening port (not --preview-port: that is where the preview is sent).
  --host ADDR              address to listen on (default 127.0.0.1)
  --port PORT              control port (default 6666)
  --http-port PORT         file server (default 8080)
  --discovery-ports LIST   UDP discovery ports (default 22600,21600)
  --preview-port PORT      UDP port the preview is sent to, on the client's address (default 6669)
  --clip FILE              H.264 Annex-B clip to stream as the preview (default: the built-in clip)`,
};

export function commandUsage(command: CommandName): string {
  if (command === 'help') return MAIN_USAGE;
  const text = COMMAND_USAGE[command];
  if (command === 'discover' || command === 'simulate') return `${text}\n\n${GENERAL_OPTIONS}`;
  return `${text}\n\n${CAMERA_OPTIONS}\n\n${GENERAL_OPTIONS}`;
}
