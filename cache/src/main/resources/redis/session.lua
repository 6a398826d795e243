-- A session lookup that also reads the generation of the user's cached data, so that a request
-- learns both in one round trip. (Loaded after generation-lib.lua.)
-- KEYS[1] = the session key; KEYS[2], optional = the user's generation key, in the same slot.
-- ARGV[1] = the user id the token names. Returns {} for no live session, else {user id[, generation]}.
local user = redis.call('GET', KEYS[1])
if not user or user ~= ARGV[1] then
  return {}
end
if KEYS[2] then
  return {user, generation(KEYS[2], false)}
end
return {user}
