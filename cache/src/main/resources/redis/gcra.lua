-- GCRA (generic cell rate algorithm) rate limit decision: one call, one round trip.
-- KEYS[1]  the client's key; it holds the theoretical arrival time (TAT) in microseconds.
-- ARGV[1]  emission interval in microseconds (period / requests)
-- ARGV[2]  burst: how many requests may arrive back to back
-- ARGV[3]  key time-to-live in milliseconds (the strategy's caching.redis.rateLimit)
-- Returns {allowed (0/1), remaining, reset_us, retry_after_us}.
-- Time is Redis's own clock, so every instance and gateway that shares this server shares one
-- notion of "now" and no client clock skews the limit.
redis.replicate_commands()
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then
  tat = now
end
local capacity = interval * burst
local new_tat = tat + interval
if new_tat - now > capacity then
  -- Refused: nothing is written, so a flood does not push its own recovery further away.
  local retry_after = new_tat - now - capacity
  return {0, 0, tat - now, retry_after}
end
redis.call('SET', KEYS[1], new_tat, 'PX', ttl)
local remaining = math.floor((capacity - (new_tat - now)) / interval)
return {1, remaining, new_tat - now, 0}
