"""The local site bucket holds what production's functions read from theirs, so they read it the same way.

In production the functions read the published `sharewall/*` files and each language's `posts.json` from the
site bucket (SITE_BUCKET), never through CloudFront and the wall gate. `sharewall serve` puts the same keys of its
build into its moto site bucket and gives the functions SITE_BUCKET too: the digest on a gated local wall
(`WallAccess=employees`) reads its posts as it does on AWS, not the sign-in page.
"""

from __future__ import annotations

from pathlib import Path

from sharewall_common.published import PREFIX

POSTS = "posts.json"


# The built site's files the functions may read (template.yaml grants sharewall/* and posts.json per language)
def function_files(site_dir: Path) -> list[Path]:
    found = [path for path in (site_dir / PREFIX).rglob("*") if path.is_file()] if (site_dir / PREFIX).is_dir() else []
    found += [path for path in [site_dir / POSTS, *site_dir.glob(f"*/{POSTS}")] if path.is_file()]
    return sorted(found)


# Put those files into the local site bucket under the keys `sharewall publish` gives them
def put_function_files(site_dir: Path, bucket: str) -> int:
    import boto3

    s3 = boto3.client("s3")
    files = function_files(site_dir)
    for path in files:
        s3.put_object(Bucket=bucket, Key=path.relative_to(site_dir).as_posix(), Body=path.read_bytes(),
                      ContentType="application/json" if path.suffix == ".json" else "application/octet-stream")
    return len(files)
