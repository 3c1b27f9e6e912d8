"""Encrypted blobs of shared cases in any S3-compatible object store (boto3).

Object keys are random (:func:`new_key`), never a hash of the plaintext or of anything a
member could guess, so a listing of the bucket says nothing but sizes. The bytes given
here are already ciphertext; this module never sees a key. Big blobs go up in parts
(S3 multipart upload), each part sent as it arrives, so a cut connection resumes from
the last part stored.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

READ_CHUNK = 1 << 20


class ObjectMissing(Exception):
    """No object under that key (or the store refused to say)."""


@dataclass(frozen=True)
class S3Settings:
    endpoint: str | None
    bucket: str
    access_key: str | None
    secret_key: str | None
    region: str = "us-east-1"
    # the endpoint members' apps reach, when they may put ciphertext straight into the
    # store with a short-lived signed URL (None: every byte goes through the API)
    public_endpoint: str | None = None


def _client(settings: S3Settings, endpoint: str | None) -> Any:
    return boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id=settings.access_key,
        aws_secret_access_key=settings.secret_key, region_name=settings.region,
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 3},
                      max_pool_connections=32))


def new_key() -> str:
    return "b/" + secrets.token_hex(20)


class ObjectStore:
    def __init__(self, settings: S3Settings) -> None:
        self.bucket = settings.bucket
        self._s3: Any = _client(settings, settings.endpoint)
        self._public: Any = (_client(settings, settings.public_endpoint)
                             if settings.public_endpoint else None)

    @property
    def direct(self) -> bool:
        return self._public is not None

    def upload_url(self, key: str, size: int, seconds: int = 900) -> str:
        """A signed URL that lets one PUT of *size* bytes to *key* (and nothing else)."""
        assert self._public is not None
        return str(self._public.generate_presigned_url(
            "put_object", Params={"Bucket": self.bucket, "Key": key, "ContentLength": size},
            ExpiresIn=seconds))

    def put_url(self, key: str, size: int, seconds: int = 300) -> str:
        """Like :meth:`upload_url`, on the store's own endpoint: for the API, which
        passes a member's body on as it arrives (``server.streaming``)."""
        return str(self._s3.generate_presigned_url(
            "put_object", Params={"Bucket": self.bucket, "Key": key, "ContentLength": size},
            ExpiresIn=seconds))

    def part_url(self, key: str, upload_id: str, number: int, size: int,
                 seconds: int = 300) -> str:
        """A signed URL for one PUT of part *number* (*size* bytes) of an upload."""
        return str(self._s3.generate_presigned_url(
            "upload_part", Params={"Bucket": self.bucket, "Key": key, "UploadId": upload_id,
                                   "PartNumber": number, "ContentLength": size},
            ExpiresIn=seconds))

    def ensure_bucket(self) -> None:
        try:
            self._s3.head_bucket(Bucket=self.bucket)
        except ClientError:
            self._s3.create_bucket(Bucket=self.bucket)

    def put(self, key: str, data: bytes) -> None:
        self._s3.put_object(Bucket=self.bucket, Key=key, Body=data)

    def start_upload(self, key: str) -> str:
        return str(self._s3.create_multipart_upload(Bucket=self.bucket, Key=key)["UploadId"])

    def put_part(self, key: str, upload_id: str, number: int, data: bytes) -> str:
        answer = self._s3.upload_part(Bucket=self.bucket, Key=key, UploadId=upload_id,
                                      PartNumber=number, Body=data)
        return str(answer["ETag"])

    def finish_upload(self, key: str, upload_id: str,
                      parts: Sequence[tuple[int, str]]) -> None:
        self._s3.complete_multipart_upload(
            Bucket=self.bucket, Key=key, UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": n, "ETag": e} for n, e in parts]})

    def discard(self, key: str, upload_id: str | None) -> None:
        """Throw away an unfinished upload: its parts (a multipart upload that is gone
        already is no error) and whatever object lies under its key."""
        if upload_id and upload_id != "direct":
            with suppress(ClientError):  # finished or aborted before: nothing to abort
                self._s3.abort_multipart_upload(Bucket=self.bucket, Key=key,
                                                UploadId=upload_id)
        self._s3.delete_object(Bucket=self.bucket, Key=key)

    def size(self, key: str) -> int:
        try:
            return int(self._s3.head_object(Bucket=self.bucket, Key=key)["ContentLength"])
        except ClientError as exc:
            raise ObjectMissing(key) from exc

    def read(self, key: str) -> Iterator[bytes]:
        try:
            body = self._s3.get_object(Bucket=self.bucket, Key=key)["Body"]
        except ClientError as exc:
            raise ObjectMissing(key) from exc
        try:
            yield from body.iter_chunks(READ_CHUNK)
        finally:
            body.close()

    def object_keys(self) -> Iterator[str]:
        for page in self._s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket):
            for item in page.get("Contents", []):
                yield str(item["Key"])
