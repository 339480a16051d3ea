"""Lean boto3 clients built from the environment (AWS_REGION, and AWS_ENDPOINT_URL locally)."""

from __future__ import annotations

from functools import lru_cache

import boto3
from botocore.config import Config

# Short timeouts and standard retries: callers' writes are conditional, so a retry never double-counts
CONFIG = Config(connect_timeout=2, read_timeout=5, retries={"max_attempts": 3, "mode": "standard"})


@lru_cache(maxsize=None)
def client(service: str):
    """One client per service and container; boto3 reads region and endpoint override from the env."""
    return boto3.client(service, config=CONFIG)
