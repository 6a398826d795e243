-- Reads or moves on one generation. KEYS[1] = the generation key; ARGV[1] = "read" or "bump".
-- (Loaded after generation-lib.lua.)
return generation(KEYS[1], ARGV[1] == 'bump')
