-- Moving a bucket to another shard while it is written to. While a bucket is listed in
-- moving_buckets, every change to one of its rows is logged in bucket_changes (which table, which
-- primary key, what happened), so that the mover can bring the destination's copy up to date by
-- reading those rows again. Buckets that are not moving cost one indexed lookup per changed row.

CREATE TABLE moving_buckets (
    bucket integer PRIMARY KEY CHECK (bucket >= 0)
);

CREATE TABLE bucket_changes (
    id     bigserial PRIMARY KEY,
    bucket integer   NOT NULL,
    tbl    text      NOT NULL,
    -- The changed row's primary key as a JSON object: {"id": ...} or {"user_id": ..., "symbol": ...}.
    key    jsonb     NOT NULL,
    op     text      NOT NULL,
    -- The writing transaction: ids are taken in one order and committed in another, so the mover
    -- reads again every change of a transaction that was still running when it last looked.
    xid    xid8      NOT NULL DEFAULT pg_current_xact_id()
);
CREATE INDEX bucket_changes_bucket_id_idx ON bucket_changes (bucket, id);

-- The trigger's arguments name the table's primary key columns.
CREATE FUNCTION log_bucket_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    moved integer;
    changed record;
    key jsonb := '{}';
    column_name text;
BEGIN
    IF TG_OP = 'DELETE' THEN
        changed := OLD;
        moved := OLD.bucket;
    ELSE
        changed := NEW;
        moved := NEW.bucket;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM moving_buckets WHERE bucket = moved) THEN
        RETURN NULL;
    END IF;
    FOREACH column_name IN ARRAY TG_ARGV LOOP
        key := key || jsonb_build_object(column_name, to_jsonb(changed) -> column_name);
    END LOOP;
    INSERT INTO bucket_changes (bucket, tbl, key, op) VALUES (moved, TG_TABLE_NAME, key, TG_OP);
    IF TG_OP = 'UPDATE' AND OLD.bucket IS DISTINCT FROM NEW.bucket THEN
        RAISE EXCEPTION 'a row cannot change its bucket (% on %)', key, TG_TABLE_NAME;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER accounts_bucket_changes AFTER INSERT OR UPDATE OR DELETE ON accounts
    FOR EACH ROW EXECUTE FUNCTION log_bucket_change('user_id');
CREATE TRIGGER orders_bucket_changes AFTER INSERT OR UPDATE OR DELETE ON orders
    FOR EACH ROW EXECUTE FUNCTION log_bucket_change('id');
CREATE TRIGGER trades_bucket_changes AFTER INSERT OR UPDATE OR DELETE ON trades
    FOR EACH ROW EXECUTE FUNCTION log_bucket_change('id');
CREATE TRIGGER positions_bucket_changes AFTER INSERT OR UPDATE OR DELETE ON positions
    FOR EACH ROW EXECUTE FUNCTION log_bucket_change('user_id', 'symbol');
