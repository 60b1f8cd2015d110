-- queue.lua - a group's queue: the 50 open tickets of a group by priority
-- (urgent first, oldest first), a random group each time.
package.path = package.path .. ";bench/wrk/?.lua"
local c = require("common")
math.randomseed(os.time())

request = function()
  local g = c.first_group + math.random(0, c.groups - 1)
  return wrk.format("GET", "/api/v1/tickets?group_id=" .. g ..
                    "&status=open&sort=priority&limit=50", c.headers())
end
