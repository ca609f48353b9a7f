/**
 * The baseline: a plain UDP forwarder, the least any relay must do. Each datagram received is sent
 * on unchanged to the sink, from a connected socket (as the RTP relay sends) and with the same 1 MiB
 * receive buffer the preview receiver asks for, so the two paths differ only in what they compute.
 */
import * as dgram from 'node:dgram';
import type { Subject } from './subject';

const RECEIVE_BUFFER_BYTES = 1024 * 1024;

export async function startForwarder(sinkPort: number): Promise<Subject> {
  const input = dgram.createSocket('udp4');
  const output = dgram.createSocket('udp4');
  input.on('error', () => undefined);
  output.on('error', () => undefined);
  let closing: Promise<void> | undefined;
  let forwarded = 0;
  let sendErrors = 0;
  const onSent = (err: Error | null): void => {
    if (err) sendErrors++;
  };
  await new Promise<void>((resolve) => output.connect(sinkPort, '127.0.0.1', () => resolve()));
  await new Promise<void>((resolve) => input.bind(0, '127.0.0.1', () => resolve()));
  input.setRecvBufferSize(RECEIVE_BUFFER_BYTES);
  input.on('message', (datagram) => {
    forwarded++;
    output.send(datagram, onSent);
  });
  return {
    info: { port: input.address().port },
    stats: () => ({ forwarded, sendErrors }),
    close: () => {
      closing ??= Promise.all([input, output].map((s) => new Promise<void>((resolve) => s.close(() => resolve())))).then(() => undefined);
      return closing;
    },
  };
}
