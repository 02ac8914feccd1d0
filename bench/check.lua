-- wrk script: every response must have the expected status and body.
-- Mismatches are counted per thread and reported at the end.
local expected_status = tonumber(os.getenv("EXPECT_STATUS") or "200")
-- POST endpoints: method and JSON body from the environment.
if os.getenv("METHOD") then
  wrk.method = os.getenv("METHOD")
end
if os.getenv("REQUEST_BODY") then
  wrk.body = os.getenv("REQUEST_BODY")
  wrk.headers["Content-Type"] = "application/json"
end
local expected_body = os.getenv("EXPECT_BODY")
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
  checked = 0
end

function response(status, headers, body)
  checked = checked + 1
  if status ~= expected_status or (expected_body and body ~= expected_body) then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local total_bad, total_checked = 0, 0
  for _, thread in ipairs(threads) do
    total_bad = total_bad + thread:get("bad")
    total_checked = total_checked + thread:get("checked")
  end
  io.write(string.format("CHECKED %d BAD %d\n", total_checked, total_bad))
end
