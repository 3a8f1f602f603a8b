-- wrk script: every request signs in the benchmark admin with the right password.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"email":"bench-admin@example.com","password":"benchmark admin passphrase 2026"}'

local statuses = {}
response = function(status)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  io.write(string.format("requests=%d non-2xx-or-3xx=%d\n", summary.requests, summary.errors.status))
  for _, p in ipairs({50, 90, 99}) do
    io.write(string.format("p%s=%.1fms\n", p, latency:percentile(p) / 1000))
  end
end
