"""Receipt uploads under the production CSP, in every region the stack may be deployed to.

The upload code (functions/claims/uploads.py) returns a presigned POST URL; the page posts the receipt
there, so the CSP's connect-src and form-action must allow that URL's origin. Locally the server rewrites
AWS origins to moto, so only production's values can show the two agree: botocore signs offline, and
template.yaml's SiteHeadersPolicy is resolved for each region as CloudFormation resolves it for CloudFront
(`${ReceiptsBucket.RegionalDomainName}` is `<bucket>.s3.<region>.amazonaws.com` in every region).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest
from botocore.session import get_session

from site_builder.local.aws import LocalResources
from site_builder.local.headers import deep_resolve, policy_config, policy_headers
from site_builder.local.template import load_template
from site_builder.smoke import csp_allows, receipt_buckets, upload_url

ROOT = Path(__file__).resolve().parent.parent
BUCKET = "sharewall-receiptsbucket-1x2y3z4a5b6c"  # as CloudFormation names a bucket without BucketName
ISSUER = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0"
SITE = "https://wall.example.com"
# Every commercial region (the stack may go to any: docs/operators.md, "What you need"), eu-central-1 its example
REGIONS = get_session().get_available_regions("s3", partition_name="aws")


@lru_cache(maxsize=1)
def template() -> dict:
    return load_template(ROOT / "template.yaml")


def production_csp(region: str) -> str:
    """The Content-Security-Policy CloudFront sends for a stack in `region`, resolved from template.yaml."""
    resources = LocalResources(template=template(), parameters={"JwtIssuer": ISSUER, "SiteOrigin": SITE},
                               buckets={"ReceiptsBucket": BUCKET}, region=region)
    return policy_headers(deep_resolve(policy_config(template()), resources.resolve))["Content-Security-Policy"]


@pytest.fixture
def upload_code(monkeypatch):
    """presign(region) -> the URL functions/claims/uploads.py returns there, with production's configuration."""
    from claims import uploads
    from sharewall_common import aws

    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_PROFILE", "AWS_CONFIG_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEEXAMPLE00")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "example-secret")
    monkeypatch.setenv("RECEIPTS_BUCKET", BUCKET)

    def presign(region: str) -> str:
        monkeypatch.setenv("AWS_REGION", region)
        monkeypatch.setenv("AWS_DEFAULT_REGION", region)
        aws.client.cache_clear()  # one client per container: a new container per region
        return uploads.presigned_post("invite-1", "application/pdf")["url"]

    yield presign
    aws.client.cache_clear()


def test_every_region_is_checked():
    assert "eu-central-1" in REGIONS and "us-east-1" in REGIONS and len(REGIONS) >= 20


@pytest.mark.parametrize("region", REGIONS)
def test_the_production_csp_allows_the_upload_url_the_code_returns(upload_code, region):
    url = upload_code(region)
    csp = production_csp(region)
    assert url == f"https://{BUCKET}.s3.{region}.amazonaws.com/"  # the regional virtual-hosted name
    assert csp_allows(csp, "connect-src", url, SITE), (url, csp)
    assert csp_allows(csp, "form-action", url, SITE), (url, csp)
    assert receipt_buckets(csp) == [BUCKET]


@pytest.mark.parametrize("region", ["eu-central-1", "us-east-1"])
def test_smoke_checks_the_url_the_upload_code_returns(upload_code, region):
    assert upload_url(BUCKET, region) == upload_code(region)  # what `sharewall smoke --region` checks


def test_the_legacy_global_name_botocore_defaults_to_is_not_allowed():
    # the URL the pinned botocore returned before (#18): the CSP would block every receipt
    csp = production_csp("eu-central-1")
    assert not csp_allows(csp, "connect-src", f"https://{BUCKET}.s3.amazonaws.com/", SITE)
    assert not csp_allows(csp, "form-action", f"https://{BUCKET}.s3.amazonaws.com/", SITE)
    assert not csp_allows(csp, "connect-src", f"https://{BUCKET}.s3.eu-west-1.amazonaws.com/", SITE)
    assert csp_allows(csp, "connect-src", SITE + "/api/claims", SITE)  # 'self'
