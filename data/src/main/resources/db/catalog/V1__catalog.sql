-- The catalog: where every user's rows are. Users log in here (email → id and bucket), the bucket
-- directory names the shard of each bucket, the shard registry says where each shard's servers
-- are, and the move journal records every step of moving a bucket between shards.

CREATE TABLE shards (
    id           integer     PRIMARY KEY CHECK (id > 0),
    primary_host text        NOT NULL,
    primary_port integer     NOT NULL CHECK (primary_port BETWEEN 1 AND 65535),
    replica_host text,
    replica_port integer     CHECK (replica_port BETWEEN 1 AND 65535),
    database     text        NOT NULL,
    -- ACTIVE takes new buckets; DRAINING is being emptied; RETIRED owns nothing and is not used.
    state        text        NOT NULL CHECK (state IN ('ACTIVE', 'DRAINING', 'RETIRED')),
    added_at     timestamptz NOT NULL,
    CONSTRAINT shards_replica_complete CHECK ((replica_host IS NULL) = (replica_port IS NULL))
);

-- bucket = hash(user id) mod (number of rows here), fixed for the platform's life.
CREATE TABLE bucket_directory (
    bucket   integer PRIMARY KEY CHECK (bucket >= 0),
    shard_id integer NOT NULL REFERENCES shards (id)
);
CREATE INDEX bucket_directory_shard_id_idx ON bucket_directory (shard_id);

CREATE TABLE users (
    id            uuid        PRIMARY KEY,
    bucket        integer     NOT NULL,
    email         text        NOT NULL,
    display_name  text        NOT NULL,
    password_hash text        NOT NULL,
    created_at    timestamptz NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (email);
CREATE INDEX users_bucket_idx ON users (bucket);

CREATE TABLE bucket_moves (
    id          bigserial   PRIMARY KEY,
    bucket      integer     NOT NULL REFERENCES bucket_directory (bucket),
    from_shard  integer     NOT NULL REFERENCES shards (id),
    to_shard    integer     NOT NULL REFERENCES shards (id),
    step        text        NOT NULL,
    started_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    finished_at timestamptz
);
-- At most one unfinished move per bucket.
CREATE UNIQUE INDEX bucket_moves_one_open_per_bucket ON bucket_moves (bucket) WHERE finished_at IS NULL;
