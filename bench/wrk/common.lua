-- common.lua - what every opora wrk script shares: the token and a
-- deterministic random generator per thread.
local M = {}

M.token = os.getenv("TOKEN") or error("set TOKEN to an API token")
M.tickets = tonumber(os.getenv("TICKETS") or "1000000")
M.groups = tonumber(os.getenv("GROUPS") or "10")
M.first_group = tonumber(os.getenv("FIRST_GROUP") or "1")

function M.headers(extra)
  local h = { ["Authorization"] = "Bearer " .. M.token }
  for k, v in pairs(extra or {}) do h[k] = v end
  return h
end

return M
