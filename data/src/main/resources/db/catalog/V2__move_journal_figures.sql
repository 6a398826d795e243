-- What each move did: rows copied, changes applied after the copy, how long writes to the bucket
-- were held (the freeze: from taking the bucket's ownership row to the directory naming the new
-- shard), and why a move was rolled back.
ALTER TABLE bucket_moves
    ADD COLUMN rows_copied     bigint,
    ADD COLUMN changes_applied bigint,
    ADD COLUMN freeze_ms       double precision,
    ADD COLUMN note            text;
