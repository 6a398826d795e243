-- trades.order_id references orders: deleting an order (a bucket move's clean-up on the old shard,
-- the clearing of a stale copy on the new one) makes PostgreSQL look for trades that name it.
-- Without an index that look-up reads the whole trades table once per deleted order, which on a
-- large shard would run a bucket's clean-up past statement_timeout every time.
-- Dropped first for the reason V3 gives: an interrupted concurrent build leaves an invalid index.
DROP INDEX CONCURRENTLY IF EXISTS trades_order_id_idx;
CREATE INDEX CONCURRENTLY trades_order_id_idx ON trades USING btree (order_id);
