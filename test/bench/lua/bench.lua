-- One wrk script for every scenario, configured from the environment by test/bench/run.mjs:
--   BENCH_METHOD, BENCH_PATH, BENCH_AUTH (Authorization header), BENCH_CTYPE,
--   BENCH_BODY: a static body, or a template where {n} is a unique number per request
--               (BENCH_START + a counter) and {t} the next line of BENCH_TOKENS,
--   BENCH_DPOP: a file of DPoP proofs (RFC 9449), one per request in order, sent as the DPoP header,
--   BENCH_OUT:  where done() writes the summary and latency percentiles as JSON.
local method = os.getenv("BENCH_METHOD") or "POST"
local path = os.getenv("BENCH_PATH") or "/"
local body = os.getenv("BENCH_BODY")
local auth = os.getenv("BENCH_AUTH")
local ctype = os.getenv("BENCH_CTYPE") or "application/x-www-form-urlencoded"
local start = tonumber(os.getenv("BENCH_START") or "0")
local tokens_file = os.getenv("BENCH_TOKENS")
local dpop_file = os.getenv("BENCH_DPOP")

local headers = {}
if auth and auth ~= "" then headers["Authorization"] = auth end
if body and body ~= "" then headers["Content-Type"] = ctype else body = nil end

wrk.method = method
wrk.path = path
wrk.body = body
for k, v in pairs(headers) do wrk.headers[k] = v end

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

counter = 0
local dynamic = dpop_file or (body and (body:find("{n}", 1, true) or body:find("{t}", 1, true)))
if dynamic then
  local tokens = {}
  if tokens_file then
    for line in io.lines(tokens_file) do tokens[#tokens + 1] = line end
  end
  local proofs = {}
  if dpop_file then
    for line in io.lines(dpop_file) do proofs[#proofs + 1] = line end
  end
  function request()
    local n = start + counter
    counter = counter + 1
    local b = body and body:gsub("{n}", tostring(n))
    if tokens_file then b = b:gsub("{t}", function() return tokens[n + 1] or "exhausted" end) end
    -- Proofs are single use: counted from 0 in each run (the runner makes them per round).
    if dpop_file then headers["DPoP"] = proofs[counter] or "exhausted" end
    return wrk.format(method, path, headers, b)
  end
end

-- BENCH_DEBUG=1 keeps the first error response of each thread (it makes wrk read every body).
first_error = ""
if os.getenv("BENCH_DEBUG") then
  function response(status, headers, body)
    if status >= 400 and first_error == "" then first_error = status .. " " .. (body or "") end
  end
end

function done(summary, latency, requests)
  local sent = 0
  local err = ""
  for _, t in ipairs(threads) do
    sent = sent + (t:get("counter") or 0)
    if err == "" then err = t:get("first_error") or "" end
  end
  local e = summary.errors
  local out = {}
  out[#out + 1] = string.format(
    '{"first_error":%q,"duration_us":%d,"requests":%d,"bytes":%d,"sent":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},',
    err, summary.duration, summary.requests, summary.bytes, sent, e.connect, e.read, e.write, e.status, e.timeout)
  -- Debian's wrk 4.1 gives no histogram to Lua: percentiles per round, merged by the runner.
  out[#out + 1] = string.format('"p50_us":%d,"p90_us":%d,"p99_us":%d,"p999_us":%d,"max_us":%d,"mean_us":%.1f}',
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max, latency.mean)
  local f = assert(io.open(os.getenv("BENCH_OUT"), "w"))
  f:write(table.concat(out))
  f:close()
end
