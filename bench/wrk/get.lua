-- get.lua - GET /api/v1/tickets/{id} for random ids of the benchmark data.
package.path = package.path .. ";bench/wrk/?.lua"
local c = require("common")
math.randomseed(os.time())

request = function()
  local id = math.random(1, c.tickets)
  return wrk.format("GET", "/api/v1/tickets/" .. id, c.headers())
end
