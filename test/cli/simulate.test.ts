/**
 * `actioncam simulate` (its JSON line, SIGTERM) and `actioncam discover` against it: discovery is
 * sent to 127.0.0.1 and the simulator's own discovery port, never to a broadcast address.
 */
import assert from 'node:assert/strict';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { exited, firstLine, freeUdpPort, runCli, spawnCli } from './helpers';

interface SimulatorLine {
  host: string;
  controlPort: number;
  httpPort: number;
  discoveryPorts: number[];
  previewPort: number;
}

describe('actioncam CLI: simulate and discover (integration)', function () {
  this.timeout(30000);
  let child: ChildProcessWithoutNullStreams | undefined;
  let sim: SimulatorLine;
  let previewPort: number;

  before(async () => {
    previewPort = await freeUdpPort();
    child = spawnCli(['simulate', '--port', '0', '--http-port', '0', '--discovery-ports', '0,0', '--preview-port', String(previewPort)]);
    sim = JSON.parse(await firstLine(child)) as SimulatorLine;
  });

  after(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
      await exited(child);
    }
  });

  it('simulate prints one JSON line with the ports it listens on', () => {
    assert.deepEqual(Object.keys(sim), ['host', 'controlPort', 'httpPort', 'discoveryPorts', 'previewPort']);
    assert.equal(sim.host, '127.0.0.1');
    assert.ok(sim.controlPort > 0 && sim.httpPort > 0);
    assert.equal(sim.discoveryPorts.length, 1, 'duplicate 0 ports are folded into one');
    assert.ok(sim.discoveryPorts[0] > 0);
    assert.equal(sim.previewPort, previewPort);
  });

  it('the simulated camera answers the other commands', async () => {
    const r = await runCli(['firmware', '--host', sim.host, '--port', String(sim.controlPort), '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { version: string }).version, 'v1.0 rc5');
  });

  it('discover finds it with --address 127.0.0.1 --ports PORT (--json: [{address, port, serial?, raw}])', async () => {
    const r = await runCli(['discover', '--address', '127.0.0.1', '--ports', String(sim.discoveryPorts[0]), '--timeout', '1500', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const found = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    assert.equal(found.length, 1);
    assert.equal(found[0].address, '127.0.0.1');
    assert.equal(found[0].port, sim.discoveryPorts[0]);
    assert.match(String(found[0].serial), /^SIMCAM-/);
    assert.match(String(found[0].raw), /^abcd/);
    assert.deepEqual(Object.keys(found[0]).sort(), ['address', 'port', 'raw', 'serial']);
  });

  it('discover prints a table without --json', async () => {
    const r = await runCli(['discover', '--address', '127.0.0.1', '--ports', String(sim.discoveryPorts[0]), '--timeout', '1500']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^ADDRESS +PORT +SERIAL\\n127\\.0\\.0\\.1 +${sim.discoveryPorts[0]} +SIMCAM-\\S+\\n$`));
  });

  it('discover prints an empty list when nobody answers', async () => {
    const silent = await freeUdpPort();
    const r = await runCli(['discover', '--address', '127.0.0.1', '--ports', String(silent), '--timeout', '500', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '[]\n');
  });

  it('simulate stops cleanly on SIGTERM (exit 0)', async () => {
    assert.ok(child);
    child.kill('SIGTERM');
    const { code, signal } = await exited(child);
    assert.equal(signal, null);
    assert.equal(code, 0);
  });

  it('simulate reports a busy port with exit 1 and one line', async () => {
    const first = spawnCli(['simulate', '--port', '0', '--http-port', '0', '--discovery-ports', '0', '--preview-port', String(previewPort)]);
    try {
      const line = JSON.parse(await firstLine(first)) as SimulatorLine;
      const r = await runCli(['simulate', '--port', String(line.controlPort), '--http-port', '0', '--discovery-ports', '0']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^actioncam: .*EADDRINUSE.*\n$/);
    } finally {
      first.kill('SIGINT');
      assert.equal((await exited(first)).code, 0);
    }
  });
});
