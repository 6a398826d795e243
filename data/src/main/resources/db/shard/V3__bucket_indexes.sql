-- Every row of a bucket, found by its bucket: what a bucket move reads and writes (the copy, the
-- verification's count and checksum on both shards, the clean-up on the old one). Without these
-- each of those read a whole table; the verification does it while writes to the bucket are held.
-- CONCURRENTLY, so that migrating a shard that already holds rows does not block its writes
-- (Flyway then runs this migration outside a transaction).
-- Each index is dropped before it is built: a build that was interrupted (a crash, a cancelled
-- statement) leaves an INVALID index under the name, which IF NOT EXISTS would keep for good, and
-- this migration only runs again when it was not recorded as done.
DROP INDEX CONCURRENTLY IF EXISTS accounts_bucket_idx;
CREATE INDEX CONCURRENTLY accounts_bucket_idx ON accounts USING btree (bucket);
DROP INDEX CONCURRENTLY IF EXISTS orders_bucket_idx;
CREATE INDEX CONCURRENTLY orders_bucket_idx ON orders USING btree (bucket);
DROP INDEX CONCURRENTLY IF EXISTS trades_bucket_idx;
CREATE INDEX CONCURRENTLY trades_bucket_idx ON trades USING btree (bucket);
DROP INDEX CONCURRENTLY IF EXISTS positions_bucket_idx;
CREATE INDEX CONCURRENTLY positions_bucket_idx ON positions USING btree (bucket);
