-- search.lua - two-word Russian full-text searches, 20 results each.
package.path = package.path .. ";bench/wrk/?.lua"
local c = require("common")
math.randomseed(os.time())

local function urlencode(s)
  return (s:gsub("[^%w%-_%.~]", function(ch) return string.format("%%%02X", string.byte(ch)) end))
end

-- word forms differ from the stored text on purpose: the stemmer must match them
local queries = {
  "оплату картой", "ошибку отчёта", "вход кабинет", "возврат денег", "медленный интернет",
  "приложение вылетает", "тарифный план", "интеграции 1С", "SMS кода", "данные клиентов",
}

request = function()
  local q = queries[math.random(1, #queries)]
  return wrk.format("GET", "/api/v1/search?limit=20&q=" .. urlencode(q), c.headers())
end
