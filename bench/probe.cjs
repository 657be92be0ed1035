/**
 * Preloaded into every process the bench measures (`node --require bench/probe.cjs ...`): at exit,
 * writes the process's own CPU time (user + system) and peak resident memory to $BENCH_PROBE_OUT.
 */
'use strict';
const fs = require('node:fs');

process.on('exit', () => {
  const usage = process.resourceUsage();
  const record = { cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, maxRssKb: usage.maxRSS };
  if (process.env.BENCH_PROBE_OUT) fs.writeFileSync(process.env.BENCH_PROBE_OUT, JSON.stringify(record));
});
