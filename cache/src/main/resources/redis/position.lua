-- Records a user's last write position as "shard:lsn" and keeps it for ARGV[3] ms. On the same
-- shard it only moves forward (a slower writer of an older position must not undo a newer one);
-- a position on another shard (the user's bucket moved) replaces it. KEYS[1] = the position key;
-- ARGV[1] = the shard id, ARGV[2] = the WAL position as a decimal number.
local stored = redis.call('GET', KEYS[1])
local shard, lsn = nil, nil
if stored then
  shard, lsn = string.match(stored, '^(%d+):(%d+)$')
end
if shard ~= ARGV[1] or tonumber(lsn) == nil or tonumber(ARGV[2]) > tonumber(lsn) then
  redis.call('SET', KEYS[1], ARGV[1] .. ':' .. ARGV[2], 'PX', ARGV[3])
else
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
return 1
