-- Moves a user's last write position forward, never back (a slower writer of an older position
-- must not undo a newer one), and keeps it for ARGV[2] ms. KEYS[1] = the position key;
-- ARGV[1] = the WAL position as a decimal number.
local current = tonumber(redis.call('GET', KEYS[1]) or '-1') or -1
if tonumber(ARGV[1]) > current then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
else
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 1
