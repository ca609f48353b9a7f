/** Help texts for `actioncam --help` and `actioncam <command> --help`. */
import type { CommandName } from './args';
import { CAMERA_DEFAULTS } from './args';
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
  cmd HEX              send a raw command and print the reply
  relay                turn the live preview into RTP and print the SDP
  rtsp                 serve the live preview as an RTSP URL
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
  fetch: `Usage: actioncam fetch [PATH] [--out DIR] [camera options] [--json]

Downloads PATH (as 'ls' prints it) over HTTP, or the newest file when PATH is left out.
  -o, --out DIR    folder to write into (default: the current folder; created when missing)`,
  cmd: `Usage: actioncam cmd HEX [--reply HEX|none] [camera options] [--json]

Sends a raw command: the first two bytes of HEX are the message type, the rest is the payload.
Example: 'actioncam cmd a038' takes a picture; 'actioncam cmd a03a01000000' starts recording.
  --reply HEX|none   the reply type to wait for (default: the command type + 1), or none`,
  relay: `Usage: actioncam relay [--to HOST:PORT] [--sdp FILE] [camera options]

Receives the camera's preview and sends it as standard RTP (RFC 6184) until interrupted (Ctrl+C).
Prints the SDP first; play it with e.g. 'ffplay -protocol_whitelist file,udp,rtp FILE.sdp'.
  --to HOST:PORT   where to send the RTP (default 127.0.0.1:5220)
  --sdp FILE       also write the SDP to FILE`,
  rtsp: `Usage: actioncam rtsp [--listen HOST:PORT] [--path /live] [camera options]

Serves the camera's preview to any number of RTSP players until interrupted (Ctrl+C).
Prints the URL first, e.g. rtsp://127.0.0.1:8554/live.
  --listen HOST:PORT   address to serve on (default 127.0.0.1:8554; 0.0.0.0 for the whole network)
  --path /live         the stream's path (default /live)`,
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
