// Probes one URL with sequential GETs (one in flight, a short pause between) from its own
// process until the parent says 'stop', then reports every latency in milliseconds.
import http from 'node:http';

const url = process.argv[2];
const pauseMs = Number(process.argv[3] ?? 10);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const latencies = [];
let stopping = false;

function get() {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    http
      .get(url, { agent }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
          else resolve(Number(process.hrtime.bigint() - t0) / 1e6);
        });
      })
      .on('error', reject);
  });
}

process.on('message', (m) => {
  if (m === 'stop') stopping = true;
});
process.send('ready');
while (!stopping) {
  latencies.push(await get());
  await new Promise((r) => setTimeout(r, pauseMs));
}
process.send({ latencies });
agent.destroy();
process.disconnect();
