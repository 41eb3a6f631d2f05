/**
 * One receiver of `npm run bench -- leg-floor` (argv[2]: its index): a loopback TCP server
 * that stamps the arrival of each 4-byte-tagged write on CLOCK_MONOTONIC, before anything
 * else, and reports it over IPC; optionally busy `busyUs` of every ms (a venue process's own
 * work: the simulator's ticks), set by the parent.
 */
import net from 'node:net';

let busyNs = 0n;
const server = net.createServer((s) => {
  s.setNoDelay(true);
  s.on('data', (d: Buffer) => {
    const ns = process.hrtime.bigint();
    process.send!({ k: d.readUInt32LE(0), ns: String(ns) });
  });
});
setInterval(() => {
  if (busyNs === 0n) return;
  const end = process.hrtime.bigint() + busyNs;
  while (process.hrtime.bigint() < end);
}, 1);
process.on('message', (m: { busyUs: number }) => {
  busyNs = BigInt(Math.round(m.busyUs * 1000));
  process.send!({ busySet: m.busyUs });
});
process.on('disconnect', () => process.exit(0));
server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as net.AddressInfo).port }));
