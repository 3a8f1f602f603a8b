-- wrk script for `just load`: each request as the next of the seeded clients (one line each in
-- the file given, `TOKEN PROPERTY_ID EMAIL`), so the requests spread over all of them.
-- Usage: wrk ... -s scripts/load.lua URL -- MODE FILE
-- MODE: dashboard (JSON, bearer), page (the dashboard page, cookie), property (a property's page),
-- upload (a small PDF through the upload route), login (sign in with the seed password).
local boundary = "load-boundary"
local password = "bench runs through the lettings ledger"
local requests = {}
local next_request = 0

local function upload_body(property_id)
  return "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"property_id\"\r\n\r\n" .. property_id ..
    "\r\n--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"requirement\"\r\n\r\nEPC\r\n--" .. boundary ..
    "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"epc.pdf\"\r\nContent-Type: application/pdf\r\n\r\n" ..
    "%PDF-1.7\n% load test evidence\n%%EOF\n\r\n--" .. boundary .. "--\r\n"
end

local function request_for(mode, token, property_id, email)
  if mode == "dashboard" then
    return wrk.format("GET", "/api/client/dashboard", {["Authorization"] = "Bearer " .. token})
  elseif mode == "page" then
    return wrk.format("GET", "/dashboard", {["Cookie"] = "cv_session=" .. token})
  elseif mode == "property" then
    return wrk.format("GET", "/properties/" .. property_id, {["Cookie"] = "cv_session=" .. token})
  elseif mode == "upload" then
    return wrk.format("POST", "/api/client/documents", {
      ["Authorization"] = "Bearer " .. token,
      ["Content-Type"] = "multipart/form-data; boundary=" .. boundary,
    }, upload_body(property_id))
  elseif mode == "login" then
    return wrk.format("POST", "/api/auth/login", {["Content-Type"] = "application/json"},
      string.format('{"email":"%s","password":"%s"}', email, password))
  end
  error("unknown mode " .. tostring(mode))
end

function init(args)
  local mode, file = args[1], args[2]
  for line in io.lines(file) do
    local token, property_id, email = line:match("^(%S+) (%S+) (%S+)$")
    if token then
      table.insert(requests, request_for(mode, token, property_id, email))
    end
  end
  if #requests == 0 then
    error("no clients in " .. tostring(file))
  end
  -- Each thread starts at its own place in the list.
  next_request = math.random(#requests) - 1
end

request = function()
  next_request = next_request % #requests + 1
  return requests[next_request]
end
