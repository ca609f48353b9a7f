/**
 * Child process for the small-heap test (test/session/file-list-heap.test.ts): logs in to the
 * camera at argv host:port, lists its files once, prints one JSON line ({ok, files} or {ok: false,
 * code, message}) and exits. Run with a small --max-old-space-size, it shows whether a hostile file
 * list can exhaust the heap (the process would die of "JavaScript heap out of memory" instead).
 */
import { CameraSession } from '../../src/session';

async function main(): Promise<void> {
  const [host, port] = process.argv.slice(2);
  const session = new CameraSession({ host, port: Number(port), reconnect: false });
  let result: Record<string, unknown>;
  try {
    await session.connect();
    const files = await session.listFiles({ timeoutMs: 60_000 });
    result = { ok: true, files: files.length };
  } catch (err) {
    const e = err as { code?: string; message?: string };
    result = { ok: false, code: e.code, message: e.message };
  } finally {
    await session.close();
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exit(1);
  },
);
