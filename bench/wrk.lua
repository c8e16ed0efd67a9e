-- wrk script for bench/static_ratio.py.
--
--   wrk ... -s bench/wrk.lua URL                      GET URL (headers from -H)
--   wrk -t64 -c64 ... -s bench/wrk.lua URL -- tick COOKIES
--       each thread is one visitor (one connection, one request at a time, as a browser with
--       htmx's request queue): it ticks and unticks the LinkedIn guide's controls at random with
--       the checklist cookie on line N of the file COOKIES, and remembers what it last set.
--
-- done() prints one line "RESULT {json}" with the rate, latency and errors, and for ticks each
-- visitor's last confirmed and in-flight state, so that the caller can look for lost writes.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

local CONTROLS = {
  { "ai-training", { "done", "todo" } },
  { "research-use", { "done", "todo" } },
  { "objection-form", { "done", "waiting", "todo" } },
}

function init(args)
  if args[1] ~= "tick" then
    return
  end
  local n = 0
  for line in io.lines(args[2]) do
    n = n + 1
    if n == id then
      cookie = line
    end
  end
  math.randomseed(id * 7919 + os.time())
  last, pending = {}, {}
  request = function()
    local control = CONTROLS[math.random(#CONTROLS)]
    local state = control[2][math.random(#control[2])]
    pending = { control[1], state }
    return wrk.format("POST", "/checklist/linkedin/" .. control[1] .. "/", {
      ["Cookie"] = cookie,
      ["Sec-Fetch-Site"] = "same-origin",
      ["Content-Type"] = "application/x-www-form-urlencoded",
    }, "state=" .. state)
  end
  response = function(status, headers, body)
    if status == 302 then
      last[pending[1]] = pending[2]
    end
    pending = {}
  end
end

local function json_string(t)
  local parts = {}
  for k, v in pairs(t) do
    table.insert(parts, string.format("%q:%q", k, v))
  end
  return "{" .. table.concat(parts, ",") .. "}"
end

function done(summary, latency, requests)
  local e = summary.errors
  local visitors = {}
  for _, thread in ipairs(threads) do
    local cookie = thread:get("cookie")
    if cookie then
      local p = thread:get("pending") or {}
      table.insert(visitors, string.format(
        '{"cookie":%q,"last":%s,"pending":%s}', cookie,
        json_string(thread:get("last") or {}), json_string(p[1] and { [p[1]] = p[2] } or {})))
    end
  end
  io.write(string.format(
    'RESULT {"requests":%d,"seconds":%.6f,"errors":{"connect":%d,"read":%d,"write":%d,'
      .. '"status":%d,"timeout":%d},"p50_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f,"visitors":[%s]}\n',
    summary.requests, summary.duration / 1e6, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    table.concat(visitors, ",")))
end
