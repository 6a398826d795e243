-- A shard's schema: every user-owned row carries its bucket (hash(user id) mod buckets), so that one
-- bucket can be moved between shards by itself. Users themselves (email, password) live in the
-- catalog, which finds a user's shard from their bucket.

-- The buckets this shard owns. A write checks its bucket's row inside its transaction (FOR SHARE),
-- so a router with a stale directory fails here instead of writing where the bucket no longer
-- lives; a move freezes a bucket by taking the row FOR UPDATE (waiting writes then go on).
CREATE TABLE owned_buckets (
    bucket integer PRIMARY KEY CHECK (bucket >= 0)
);

-- Cash is settled in cents; reserved_cash is what open BUY limit orders hold back.
CREATE TABLE accounts (
    user_id       uuid          PRIMARY KEY,
    bucket        integer       NOT NULL,
    currency      char(3)       NOT NULL,
    cash          numeric(20,2) NOT NULL CHECK (cash >= 0),
    reserved_cash numeric(20,2) NOT NULL DEFAULT 0 CHECK (reserved_cash >= 0),
    realized_pnl  numeric(20,2) NOT NULL DEFAULT 0,
    CONSTRAINT accounts_reserve_within_cash CHECK (reserved_cash <= cash)
);

CREATE TABLE orders (
    id               uuid          PRIMARY KEY,
    user_id          uuid          NOT NULL REFERENCES accounts (user_id),
    bucket           integer       NOT NULL,
    client_order_id  text,
    request_hash     bytea         NOT NULL,
    symbol           text          NOT NULL,
    side             text          NOT NULL CHECK (side IN ('BUY', 'SELL')),
    type             text          NOT NULL CHECK (type IN ('MARKET', 'LIMIT')),
    quantity         numeric(20,8) NOT NULL CHECK (quantity > 0),
    limit_price      numeric(20,4) CHECK (limit_price > 0),
    status           text          NOT NULL CHECK (status IN ('OPEN', 'FILLED', 'CANCELLED')),
    filled_quantity  numeric(20,8) NOT NULL DEFAULT 0,
    filled_avg_price numeric(20,4),
    reserved_cash    numeric(20,2) NOT NULL DEFAULT 0,
    created_at       timestamptz   NOT NULL,
    filled_at        timestamptz,
    cancelled_at     timestamptz,
    CONSTRAINT orders_client_order_id_key UNIQUE (user_id, client_order_id),
    CONSTRAINT orders_limit_price_for_limit CHECK ((type = 'LIMIT') = (limit_price IS NOT NULL))
);
-- The strategy's index: the fill engine scans open orders oldest first.
CREATE INDEX orders_status_created_at_idx ON orders USING btree (status, created_at);
-- A user's own order list.
CREATE INDEX orders_user_id_created_at_idx ON orders USING btree (user_id, created_at);

CREATE TABLE trades (
    id         uuid          PRIMARY KEY,
    user_id    uuid          NOT NULL REFERENCES accounts (user_id),
    bucket     integer       NOT NULL,
    order_id   uuid          NOT NULL REFERENCES orders (id),
    symbol     text          NOT NULL,
    side       text          NOT NULL CHECK (side IN ('BUY', 'SELL')),
    quantity   numeric(20,8) NOT NULL CHECK (quantity > 0),
    price      numeric(20,4) NOT NULL CHECK (price > 0),
    notional   numeric(20,2) NOT NULL,
    created_at timestamptz   NOT NULL
);
-- The strategy's other index: trade history, newest first, keyset-paginated.
CREATE INDEX trades_user_id_created_at_idx ON trades USING btree (user_id, created_at);

-- cost_basis is what the held quantity cost, in cents; average cost = cost_basis / quantity.
CREATE TABLE positions (
    user_id           uuid          NOT NULL REFERENCES accounts (user_id),
    bucket            integer       NOT NULL,
    symbol            text          NOT NULL,
    quantity          numeric(20,8) NOT NULL CHECK (quantity >= 0),
    reserved_quantity numeric(20,8) NOT NULL DEFAULT 0 CHECK (reserved_quantity >= 0),
    cost_basis        numeric(20,2) NOT NULL CHECK (cost_basis >= 0),
    PRIMARY KEY (user_id, symbol),
    CONSTRAINT positions_reserve_within_quantity CHECK (reserved_quantity <= quantity)
);
