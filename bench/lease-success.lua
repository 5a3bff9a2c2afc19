-- The worker loop a scraper runs: lease a session, report a success for it, lease again.
-- Each wrk thread keeps the ids it leased and still owes a success for; every request, lease
-- or success, counts in wrk's figures.

local lease_request

local queue, head, tail = {}, 1, 0
-- A 200 carrying an id with a success in flight is that success's answer; any other 200 is a lease.
local success_pending = {}
leases, successes, exhausted, failed = 0, 0, 0, 0

local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

-- Sent as a bearer token when set, for a broker with access tokens (bench.py --tokens).
local token = os.getenv("BROKER_TOKEN")
local authorization = {}

-- Formatted here, not at load time: wrk adds the Host header only after loading the script.
function init(args)
    if token and token ~= "" then
        authorization["Authorization"] = "Bearer " .. token
    end
    lease_request = wrk.format("POST", "/sessions/lease",
        { ["Content-Type"] = "application/json", ["Authorization"] = authorization["Authorization"] },
        '{"next_use_delay": 0.2}')
end

function request()
    if head <= tail then
        local id = queue[head]
        queue[head] = nil
        head = head + 1
        success_pending[id] = true
        return wrk.format("POST", "/sessions/" .. id .. "/success", authorization)
    end
    return lease_request
end

function response(status, headers, body)
    if status == 200 then
        local id = body:match('"_id":"([^"]+)"')
        if id and success_pending[id] then
            success_pending[id] = nil
            successes = successes + 1
        elseif id then
            leases = leases + 1
            tail = tail + 1
            queue[tail] = id
        end
    elseif status == 429 then
        exhausted = exhausted + 1
    else
        failed = failed + 1
    end
end

function done(summary, latency, requests)
    local totals = { leases = 0, successes = 0, exhausted = 0, failed = 0 }
    for _, thread in ipairs(threads) do
        for name in pairs(totals) do
            totals[name] = totals[name] + thread:get(name)
        end
    end
    io.write(string.format("lease-success: leases=%d successes=%d status_429=%d other_errors=%d\n",
        totals.leases, totals.successes, totals.exhausted, totals.failed))
end
