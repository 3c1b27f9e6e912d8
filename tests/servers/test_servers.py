"""The real servers the server-mode tests use start on loopback, work, and stop."""

from __future__ import annotations

import psycopg

from tests.servers import S3, Postgres


def test_postgres_answers_on_loopback(postgres: Postgres) -> None:
    url = postgres.create_database("servers_smoke")
    try:
        assert postgres.host == "127.0.0.1"
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT 1 + 1").fetchone() == (2,)
    finally:
        postgres.drop_database("servers_smoke")


def test_s3_round_trips_an_object(s3: S3) -> None:
    assert s3.endpoint.startswith("http://127.0.0.1:")
    bucket = s3.create_bucket("servers-smoke")
    client = s3.client()
    client.put_object(Bucket=bucket, Key="a/b", Body=b"synthetic bytes")
    assert client.get_object(Bucket=bucket, Key="a/b")["Body"].read() == b"synthetic bytes"
