-- Every row of a bucket, found by its bucket: what a bucket move reads and writes (the copy, the
-- verification's count and checksum on both shards, the clean-up on the old one). Without these
-- each of those read a whole table; the verification does it while writes to the bucket are held.
-- CONCURRENTLY, so that migrating a shard that already holds rows does not block its writes
-- (Flyway then runs this migration outside a transaction).
CREATE INDEX CONCURRENTLY IF NOT EXISTS accounts_bucket_idx ON accounts USING btree (bucket);
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_bucket_idx ON orders USING btree (bucket);
CREATE INDEX CONCURRENTLY IF NOT EXISTS trades_bucket_idx ON trades USING btree (bucket);
CREATE INDEX CONCURRENTLY IF NOT EXISTS positions_bucket_idx ON positions USING btree (bucket);
