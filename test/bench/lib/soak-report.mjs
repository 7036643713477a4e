// test/bench/results/soak.md: the soak check's figures, one row per storage, under the machine and date.

/** The Markdown of a soak run: `run` is { started, finished, command, machine, minutes, results }. */
export function renderSoakMarkdown(run) {
  const { machine } = run
  const rows = run.results.map((r) => {
    const { first, second, last } = r.rss_mib
    const { ok, failed, removed } = r.requests
    return `| ${r.storage} | ${first} | ${second} | ${last} | ${(last / second).toFixed(2)}x | ${r.slope_mib_per_minute} | ${ok} | ${failed} | ${removed ?? 0} | ${r.pass ? 'PASS' : 'FAIL'} |`
  })
  const { rate, ttl_seconds: ttl, clear_every_seconds: clear, window_seconds: window } = run.results[0] ?? {}
  return [
    '# Grantline soak check',
    '',
    `- **Date**: ${run.started.slice(0, 16).replace('T', ' ')} UTC to ${run.finished.slice(0, 16).replace('T', ' ')} UTC`,
    `- **Command**: \`${run.command}\``,
    `- **Machine**: ${machine.host}, ${machine.cpu}, ${machine.memory_gib} GiB, Linux ${machine.kernel}; Node ${machine.node}`,
    `- **Load**: ${rate} client_credentials tokens per second for ${run.minutes} minutes per storage, each living ${ttl} s, expired rows removed every ${clear} s; RSS read from /proc every 5 s, medians over windows of ${window} s.`,
    "- **Gate**: the last window's median RSS at most 1.1x the second's (the first is warm-up), and no request failed.",
    '',
    '| storage | RSS MiB, window 1 | window 2 | last | last / window 2 | slope after warm-up, MiB/min | tokens | failed | rows cleared | gate |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...rows,
    '',
  ].join('\n')
}
