-- wrk script for bench/booking/run.sh: each request carries a random patient's token; the mode (first argument)
-- picks the call. "book": POST /api/v1/appointments for a random slot with a fresh Idempotency-Key.
-- "search": GET /api/v1/slots for a random doctor over 14 days. Counts answers by status per thread and prints
-- them, with the latency percentiles, in the same form for every mode.
-- Arguments: mode, file of tokens, file of slot ids (book) or doctor ids (search), first day, last day.
local threads = {}
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local function read(path)
  local values = {}
  for line in io.lines(path) do
    if line ~= "" then values[#values + 1] = line end
  end
  return values
end

function init(args)
  mode, tokens, targets, from, to = args[1], read(args[2]), read(args[3]), args[4], args[5]
  statuses = {}
  sent = 0
  math.randomseed(os.time() * 1000 + id)
end

function request()
  sent = sent + 1
  local headers = { ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)] }
  local target = targets[math.random(#targets)]
  if mode == "book" then
    headers["Content-Type"] = "application/json"
    headers["Idempotency-Key"] = string.format("wrk-%d-%d-%d-%08x", os.time(), id, sent, math.random(0, 0x7fffffff))
    return wrk.format("POST", "/api/v1/appointments", headers, '{"slotId":"' .. target .. '"}')
  end
  return wrk.format("GET", "/api/v1/slots?doctorId=" .. target .. "&from=" .. from .. "&to=" .. to, headers)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local counts, keys = {}, {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      if counts[status] == nil then keys[#keys + 1] = status end
      counts[status] = (counts[status] or 0) + count
    end
  end
  table.sort(keys)
  local parts, errors = {}, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  for _, status in ipairs(keys) do
    parts[#parts + 1] = status .. "=" .. counts[status]
    if status >= 500 then errors = errors + counts[status] end
  end
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT %d requests in %.1f s = %.0f req/s, p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms, "
      .. "statuses {%s}, errors (5xx/socket) %d\n", summary.requests, seconds, summary.requests / seconds,
      latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
      table.concat(parts, ", "), errors))
end
