-- The generation of a cached id (shared by the scripts that read or move generations).
-- Generations never repeat, even if Redis loses the key (crash, failover, eviction): a missing
-- generation starts at Redis's clock in microseconds, and a bump moves to at least that clock, so
-- an entry cached under an earlier generation can never be mistaken for a current one.
local function redis_now_micros()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000000 + tonumber(t[2])
end

local function generation(key, bump)
  local now = redis_now_micros()
  local current = tonumber(redis.call('GET', key) or '0')
  if bump then
    local next = math.max(current + 1, now)
    redis.call('SET', key, next)
    return next
  end
  if current == 0 then
    redis.call('SET', key, now)
    return now
  end
  return current
end
