-- The generation of a cached id. ARGV[1] = "read" or "bump"; KEYS[1] = the generation key.
-- Generations never repeat, even if Redis loses the key (crash, failover, eviction): a missing
-- generation starts at Redis's clock in microseconds, and a bump moves to at least that clock, so
-- an entry cached under an earlier generation can never be mistaken for a current one.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
-- (A value that is not a number, which this script never writes, counts as missing.)
local current = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if ARGV[1] == 'bump' then
  local next = math.max(current + 1, now)
  redis.call('SET', KEYS[1], next)
  return next
end
if current == 0 then
  redis.call('SET', KEYS[1], now)
  return now
end
return current
