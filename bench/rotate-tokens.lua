-- wrk script: every request carries the next token of a file, in turn.
--   wrk ... -s bench/rotate-tokens.lua URL -- TOKENS_FILE HEADER
-- HEADER "Authorization" sends "Authorization: Bearer <token>" (a session check runs);
-- any other name, e.g. "X-Bench-Token", sends the same bytes in a header the server ignores,
-- so a baseline run costs wrk and the network exactly as much as a checked run.
local tokens = {}
local header = "Authorization"
local turn = 0
local threads = 0

-- Runs in wrk's main state, once per thread: gives each thread its number as the global "offset".
function setup(thread)
  thread:set("offset", threads)
  threads = threads + 1
end

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then tokens[#tokens + 1] = line end
  end
  if #tokens == 0 then error("no tokens in " .. tostring(args[1])) end
  header = args[2] or header
  -- Threads start at different tokens, so two threads do not walk in step.
  turn = ((offset or 0) * 17) % #tokens
end

function request()
  turn = turn % #tokens + 1
  return wrk.format(nil, nil, { [header] = "Bearer " .. tokens[turn] })
end
