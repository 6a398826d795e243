-- pgbench script: the SQL transaction the API runs for one MARKET BUY without clientOrderId
-- (Database.write -> Ownership.check (the bucket's advisory lock, 1852601442 = "nltb", then its
-- ownership row), Orders.place -> Ledger.lockAccount -> Orders.fillMarket ->
-- Ledger.buy -> Ledger.insertTrade): the same seven statements on the same columns (the API sends
-- the first two in one round trip), between BEGIN
-- and COMMIT, then the WAL position the API reads after the commit (Database.recordWrite). Run it with
-- -M prepared, as pgjdbc uses server-side prepared statements for statements it repeats.
--
-- Users are rows that bench/orders.sh inserts first: user n (1..:users, set with -D users=N) has
-- the id 00000000-0000-0000-0000-<n in 12 digits> and bucket n % 1024. The API prices from its
-- simulated market; here the price is random between 10.00 and 1000.00, and the notional is
-- quantity x price rounded up to the cent, as Money.cost does. Ids are gen_random_uuid(); the
-- orders INSERT returns its id (RETURNING, in the same round trip) so that the trade can name it.
\set n random(1, :users)
\set bucket :n % 1024
\set s random(1, 20)
\set price_cents random(1000, 100000)
\set notional_cents (:price_cents + 99) / 100
BEGIN;
SELECT pg_advisory_xact_lock_shared(1852601442, :bucket);
SELECT 1 FROM owned_buckets WHERE bucket = :bucket FOR SHARE;
SELECT cash, reserved_cash FROM accounts
 WHERE user_id = ('00000000-0000-0000-0000-' || lpad(:n::text, 12, '0'))::uuid FOR UPDATE;
INSERT INTO orders (id, user_id, bucket, client_order_id, request_hash, symbol, side, type, quantity,
                    limit_price, status, filled_quantity, filled_avg_price, reserved_cash, created_at, filled_at)
VALUES (gen_random_uuid(), ('00000000-0000-0000-0000-' || lpad(:n::text, 12, '0'))::uuid, :bucket, NULL,
        '\x1f6a7a6d3c3e1b0f9d2c8e4a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8'::bytea,
        (ARRAY['AAPL','MSFT','NVDA','AMZN','GOOGL','META','TSLA','JPM','V','MA',
               'UNH','HD','PG','KO','PEP','DIS','NFLX','INTC','AMD','SAP'])[:s],
        'BUY', 'MARKET', 0.01, NULL, 'FILLED', 0.01, :price_cents::numeric / 100, 0, now(), now())
RETURNING id AS order_id, symbol AS order_symbol \gset
UPDATE accounts SET cash = cash - :notional_cents::numeric / 100, reserved_cash = reserved_cash - 0
 WHERE user_id = ('00000000-0000-0000-0000-' || lpad(:n::text, 12, '0'))::uuid;
INSERT INTO positions (user_id, bucket, symbol, quantity, cost_basis)
VALUES (('00000000-0000-0000-0000-' || lpad(:n::text, 12, '0'))::uuid, :bucket, :order_symbol, 0.01,
        :notional_cents::numeric / 100)
ON CONFLICT (user_id, symbol) DO UPDATE SET quantity = positions.quantity + EXCLUDED.quantity,
                                            cost_basis = positions.cost_basis + EXCLUDED.cost_basis;
INSERT INTO trades (id, user_id, bucket, order_id, symbol, side, quantity, price, notional, created_at)
VALUES (gen_random_uuid(), ('00000000-0000-0000-0000-' || lpad(:n::text, 12, '0'))::uuid, :bucket,
        :order_id, :order_symbol, 'BUY', 0.01, :price_cents::numeric / 100, :notional_cents::numeric / 100, now());
COMMIT;
SELECT pg_current_wal_lsn()::text;
