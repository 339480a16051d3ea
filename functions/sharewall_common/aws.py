"""Lean AWS clients built from the environment (AWS_REGION, and AWS_ENDPOINT_URL locally).

Straight from botocore: boto3's import pulls in its resource layer and s3transfer, which no function
uses, and would make every cold start pay for them. The clients are the same botocore clients
`boto3.client()` returns.
"""

from __future__ import annotations

from functools import lru_cache

from botocore.config import Config
from botocore.session import get_session

# Short timeouts and standard retries: callers' writes are conditional, so a retry never double-counts
CONFIG = Config(connect_timeout=2, read_timeout=5, retries={"max_attempts": 3, "mode": "standard"})
# S3 on the bucket's regional virtual-hosted name, https://<bucket>.s3.<region>.amazonaws.com, in every region
# (us-east-1 too), signed with SigV4: the origin the CSP allows (template.yaml: ReceiptsBucket.RegionalDomainName).
# botocore's default is the legacy global https://<bucket>.s3.amazonaws.com, which the CSP blocks. An endpoint
# given by address (the local moto server) keeps path-style URLs.
S3_CONFIG = CONFIG.merge(Config(signature_version="s3v4",
                                s3={"addressing_style": "virtual", "us_east_1_regional_endpoint": "regional"}))


@lru_cache(maxsize=None)
def client(service: str):
    """One client per service and container; botocore reads region, credentials and endpoint from the env."""
    return get_session().create_client(service, config=S3_CONFIG if service == "s3" else CONFIG)
