#!/usr/bin/env bash
# Creates a "realistic" database: several tables of random numbers, md5 text and timestamps, with primary keys
# and one secondary index, whose data files compress about 2.6x with zstd -3 (its pg_dump output 2.3x with gzip),
# unlike pgbench's tables (20-190x).
#
# Usage:  bench/lib/realistic-db.sh SIZE_MB [DBNAME]        (default DBNAME: realistic)
#   Connects with the usual libpq variables (PGHOST, PGPORT, PGUSER, PGPASSWORD); psql from $PGBIN (default
#   /usr/lib/postgresql/15/bin) or the PATH. The database is dropped and recreated, then filled in batches of about
#   64 MB until pg_database_size() reaches SIZE_MB (tables + indexes; overshoot < one batch), then VACUUM ANALYZE
#   and CHECKPOINT. Deterministic sizes, repeatable content (setseed per batch).
# Also usable from another script:  source bench/lib/realistic-db.sh  then  realistic_db SIZE_MB [DBNAME]
set -euo pipefail

realistic_db() {
  local size_mb=${1:?size in MB} db=${2:-realistic}
  local psql=${PGBIN:-/usr/lib/postgresql/15/bin}/psql
  [ -x "$psql" ] || psql=psql
  "$psql" -qX -v ON_ERROR_STOP=1 -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
  "$psql" -qX -v ON_ERROR_STOP=1 -d "$db" >/dev/null <<'SQL'
CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL, email text NOT NULL,
                        created_at timestamptz NOT NULL, balance numeric(12,2) NOT NULL, score double precision);
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, amount numeric(12,2) NOT NULL,
                     quantity integer NOT NULL, status smallint NOT NULL, created_at timestamptz NOT NULL,
                     shipped_at timestamptz, reference text NOT NULL);
CREATE INDEX orders_customer ON orders (customer_id);
CREATE TABLE events (id bigint PRIMARY KEY, at timestamptz NOT NULL, kind integer NOT NULL,
                     value double precision NOT NULL, payload text NOT NULL);
-- one batch: ~64 MB with indexes
CREATE FUNCTION fill_batch(b integer) RETURNS void LANGUAGE sql AS $$
  SELECT setseed(b::float8 / 1000000);
  INSERT INTO customers
    SELECT b::bigint * 20000 + i, 'customer ' || md5(random()::text), md5(random()::text) || '@example.com',
           date_trunc('second', timestamptz '2015-01-01' + random() * interval '3650 days'), round((random() * 100000)::numeric, 2),
           round(random() * 1000)
    FROM generate_series(1, 20000) i;
  INSERT INTO orders
    SELECT b::bigint * 200000 + i, (random() * 2000000)::bigint, round((random() * 5000)::numeric, 2),
           (random() * 100)::integer, (random() * 6)::smallint,
           date_trunc('second', timestamptz '2020-01-01' + random() * interval '1800 days'),
           CASE WHEN random() < 0.8 THEN date_trunc('second', timestamptz '2020-01-01' + random() * interval '1800 days') END,
           md5(random()::text)
    FROM generate_series(1, 200000) i;
  INSERT INTO events
    SELECT b::bigint * 150000 + i, timestamptz '2024-01-01' + i * interval '10 ms',
           (random() * 50)::integer, round(random() * 1e6) / 100, (ARRAY['page_view','click','purchase','login','logout','search','add_to_cart','refund'])[1 + (i % 8)]
           || ' ' || md5(random()::text)
    FROM generate_series(1, 150000) i;
$$;
SQL
  local b=0 size=0 target=$((size_mb * 1048576))
  while [ "$size" -lt "$target" ]; do
    "$psql" -qX -v ON_ERROR_STOP=1 -d "$db" -c "SELECT fill_batch($b)" >/dev/null
    b=$((b + 1))
    size=$("$psql" -qXAt -d "$db" -c "SELECT pg_database_size(current_database())")
  done
  "$psql" -qX -v ON_ERROR_STOP=1 -d "$db" -c "DROP FUNCTION fill_batch(integer)" -c "VACUUM ANALYZE" -c "CHECKPOINT" >/dev/null
  echo "database $db: $size bytes in $b batches" >&2
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  realistic_db "$@"
fi
