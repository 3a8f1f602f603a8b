-- wrk script: every request a valid intake with an email no other request uses.
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread:set("id", thread_id)
  thread_id = thread_id + 1
  table.insert(threads, thread)
end

function init(args)
  run = args[1] or "run"
end

request = function()
  counter = counter + 1
  local body = string.format([[{"full_name":"Bench Client","email":"bench-%s-%d-%d@example.com",
"client_type":"INDIVIDUAL","preferred_contact":"EMAIL","billing_plan":"PLAN_1",
"properties":[{"address_line_1":"1 Bench Street","city":"London","postcode":"SW1A 1AA"}],
"consent_data_processing":true,"consent_communications":false}]], run, id, counter)
  return wrk.format("POST", "/api/intake/submit", {["Content-Type"] = "application/json"}, body)
end

local statuses = {}
response = function(status)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  io.write(string.format("requests=%d errors(connect,read,write,timeout,status)=%d,%d,%d,%d,%d\n",
    summary.requests, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout, summary.errors.status))
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("p%s=%.2fms\n", p, latency:percentile(p) / 1000))
  end
end
