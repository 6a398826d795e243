-- How many times each shard's primary was failed over to its replica. A failover names the replica
-- as the primary, no replica, and the next epoch in one statement, and only if the row still names
-- the primary that was given up: a decider acting on an old view changes nothing.
ALTER TABLE shards ADD COLUMN epoch bigint NOT NULL DEFAULT 1 CHECK (epoch >= 1);
