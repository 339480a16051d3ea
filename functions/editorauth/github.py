"""GitHub's OAuth web endpoint for the code exchange: one POST, no redirects followed, a short timeout.

GITHUB_URL is GitHub's web host (https://github.com; a GitHub Enterprise host, or a loopback stand-in in
tests). Neither the code nor the token is ever logged.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import urlencode, urlsplit

DEFAULT_URL = "https://github.com"
TIMEOUT = 5  # seconds; GitHub answers in well under one, the function's own timeout bounds the rest
MAX_ANSWER = 64 * 1024  # a token answer is a few hundred bytes


def github_url(value: str | None) -> str:
    """GITHUB_URL without a trailing slash; ValueError when it is no http(s) URL."""
    url = (value or DEFAULT_URL).rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"GITHUB_URL: {value!r} is not an http(s) URL of GitHub's web host")
    return url


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect is an answer of its own: the form (with the client secret) is never sent anywhere else
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def exchange(base_url: str, form: dict[str, str], timeout: float = TIMEOUT) -> tuple[int, bytes] | None:
    """POST `form` to GitHub's access_token endpoint; (status, body), or None when GitHub could not be reached."""
    request = urllib.request.Request(
        f"{base_url}/login/oauth/access_token", data=urlencode(form).encode(), method="POST",
        headers={"Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded",
                 "User-Agent": "sharewall-editor-auth"})
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return response.status, response.read(MAX_ANSWER)
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read(MAX_ANSWER)
    except (urllib.error.URLError, OSError, ValueError):  # refused, timed out, a broken answer
        return None
