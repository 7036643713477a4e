// The markdown section of the PostgreSQL and workers part (lib/postgres-checks.mjs), for latest.md.

const cell = (row) => `${row.rps.toLocaleString('en-US')} | ${row.p99_ms}`

/** The section, appended to latest.md after the main tables. */
export function renderPostgresMarkdown(results) {
  if (results.error) return `\n## PostgreSQL and workers\n\nFailed, nothing measured:\n\n\`\`\`\n${results.error}\n\`\`\`\n`
  const lines = [
    '',
    '## PostgreSQL and workers',
    '',
    `PostgreSQL ${results.database} (max_connections ${results.max_connections}); each server on a database of its own. Connections held after the run: ${Object.entries(
      results.connections_held,
    )
      .map(([name, n]) => `${name} ${n}`)
      .join(', ')}.`,
    '',
    '| scenario | Grantline --workers 2 req/s | p99 ms | DOT 1.7 gunicorn 2 workers req/s | p99 ms | req/s ratio |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...Object.entries(results.versus_dot).map(
      ([scenario, row]) => `| ${scenario} | ${cell(row.grantline)} | ${cell(row.dot)} | ${row.rps_ratio}x |`,
    ),
    '',
    '| storage | scenario | 1 worker req/s | p99 ms | 2 workers req/s | p99 ms | 2 vs 1 |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...Object.entries(results.scaling).flatMap(([storage, rows]) =>
      Object.entries(rows).map(([scenario, row]) => `| ${storage} | ${scenario} | ${cell(row.w1)} | ${cell(row.w2)} | ${row.rps_ratio}x |`),
    ),
    '',
    "CPU per request of the server (its processes) and of the PostgreSQL backends serving its database, and WAL written per request (all of the cluster's WAL during the rounds):",
    '',
    '| scenario | server | server CPU µs | PostgreSQL CPU µs | WAL bytes |',
    '| --- | --- | ---: | ---: | ---: |',
    ...Object.entries(results.scenarios).flatMap(([scenario, rows]) =>
      Object.entries(rows)
        .filter(([, row]) => row.wal_bytes_per_request !== undefined)
        .map(
          ([id, row]) =>
            `| ${scenario} | ${id} | ${row.cpu_us_per_request} | ${row.pg_cpu_us_per_request} | ${row.wal_bytes_per_request} |`,
        ),
    ),
    '',
  ]
  return lines.join('\n')
}
