-- create.lua - durable ticket creates: POST /api/v1/tickets; every 201 is
-- committed with fsync (group commit) before it is answered.
package.path = package.path .. ";bench/wrk/?.lua"
local c = require("common")
math.randomseed(os.time())
local requesters = tonumber(os.getenv("CUSTOMERS") or "100000")
local first_customer = tonumber(os.getenv("FIRST_CUSTOMER") or "102")
local n = 0

request = function()
  n = n + 1
  local body = string.format(
    '{"subject":"Не проходит оплата картой %d","description":"Оплата отклоняется с ошибкой, ' ..
    'карта работает в других магазинах.","priority":"normal","requester_id":%d,"group_id":%d,' ..
    '"tags":["billing"]}',
    n, first_customer + math.random(0, requesters - 1), c.first_group + math.random(0, c.groups - 1))
  return wrk.format("POST", "/api/v1/tickets",
                    c.headers({ ["Content-Type"] = "application/json" }), body)
end

response = function(status, headers, body)
  if status ~= 201 then
    io.stderr:write("create: status " .. status .. " " .. body:sub(1, 200) .. "\n")
  end
end
