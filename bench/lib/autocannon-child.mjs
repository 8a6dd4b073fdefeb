// Load generator in its own process, so generating load never shares the server's event loop.
// Input: one JSON argument (autocannon options). Output: one JSON line with the figures we keep.
import autocannon from 'autocannon';

const opts = JSON.parse(process.argv[2]);
const result = await autocannon({ ...opts, renderProgressBar: false, renderResultsTable: false });
process.stdout.write(
  JSON.stringify({
    requestsPerSecond: result.requests.average,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    latencyMax: result.latency.max,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  }) + '\n',
);
