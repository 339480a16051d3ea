"""Feeds served over HTTPS from loopback, with a certificate authority made for the run.

The importer trusts the CA through `SSL_CERT_FILE` (as OpenSSL reads it), as it would trust a
real feed's certificate; nothing leaves 127.0.0.1. Used by tests/test_feeds.py and bench/import.py.
"""

from __future__ import annotations

import ipaddress
import ssl
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape


@dataclass
class Feed:
    """What one path answers: a body with validators, after an optional delay."""

    body: bytes
    content_type: str = "application/rss+xml; charset=utf-8"
    etag: str | None = None
    modified: str | None = None
    delay: float = 0.0  # seconds to sleep before answering (a feed that times out)
    redirect: str | None = None  # answer 302 to this location instead
    length: bool = True  # False: no Content-Length, the body ends when the connection closes


def make_ca(folder: Path) -> tuple[Path, Path, Path]:
    """A CA certificate (PEM) and a server certificate and key for 127.0.0.1/localhost signed by it."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.now(timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Sharewall test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(minutes=5))
          .not_valid_after(now + timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                                       key_encipherment=False, data_encipherment=False, key_agreement=False,
                                       encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    server = (x509.CertificateBuilder()
              .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
              .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
              .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
              .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                          x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                             critical=False)
              .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
              .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
              .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
              .sign(ca_key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    paths = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(server.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return paths


class FeedServer:
    """A threaded HTTP(S) server on 127.0.0.1 answering `feeds[path]`; counts requests per path."""

    def __init__(self, folder: Path, tls: bool = True) -> None:
        self.feeds: dict[str, Feed] = {}
        self.requests: Counter[str] = Counter()
        self.conditional: Counter[str] = Counter()  # requests that carried If-None-Match/If-Modified-Since
        self.ca_file: Path | None = None
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                server.requests[self.path] += 1
                feed = server.feeds.get(self.path)
                if feed is None:
                    return self._answer(404, b"not found", "text/plain")
                if self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since"):
                    server.conditional[self.path] += 1
                time.sleep(feed.delay)
                if feed.redirect:
                    return self._answer(302, b"", "text/plain", {"Location": feed.redirect})
                if (feed.etag and self.headers.get("If-None-Match") == feed.etag) or (
                        feed.modified and self.headers.get("If-Modified-Since") == feed.modified):
                    return self._answer(304, b"", None, {"ETag": feed.etag})
                self._answer(200, feed.body, feed.content_type, {"ETag": feed.etag, "Last-Modified": feed.modified},
                             length=feed.length)

            def _answer(self, status: int, body: bytes, content_type: str | None, headers: dict | None = None,
                        length: bool = True) -> None:
                try:
                    self.send_response(status)
                    if content_type:
                        self.send_header("Content-Type", content_type)
                    for name, value in (headers or {}).items():
                        if value:
                            self.send_header(name, value)
                    if status != 304 and length:
                        self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if status != 304:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
                    pass  # the client gave up (a timeout or a size limit): expected

            def log_message(self, *args) -> None:
                pass

        self.context: ssl.SSLContext | None = None
        if tls:
            self.ca_file, cert, key = make_ca(folder)
            self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.context.load_cert_chain(cert, key)

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            # TLS in the request's own thread: a slow handshake holds up no other client
            def finish_request(self, request, client_address) -> None:
                if server.context is not None:
                    try:
                        request = server.context.wrap_socket(request, server_side=True)
                    except (ssl.SSLError, OSError):
                        return
                super().finish_request(request, client_address)

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.scheme = "https" if tls else "http"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str) -> str:
        return f"{self.scheme}://127.0.0.1:{self.httpd.server_address[1]}{path}"


def rss(entries: list[dict], language: str | None = "de-DE", title: str = "Management Blog") -> bytes:
    """An RSS 2.0 document; an entry is {title, link, description?, date?} (description may hold HTML)."""
    items = []
    for entry in entries:
        date = f"<pubDate>{format_datetime(entry['date'])}</pubDate>" if entry.get("date") else ""
        description = f"<description>{escape(entry['description'])}</description>" if entry.get("description") else ""
        items.append(f"<item><title>{escape(entry['title'])}</title><link>{escape(entry['link'])}</link>"
                     f"{description}{date}<guid>{escape(entry['link'])}</guid></item>")
    lang = f"<language>{language}</language>" if language else ""
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>{title}</title>'
            f"<link>https://blog.example.com/</link><description>Posts</description>{lang}"
            f"{''.join(items)}</channel></rss>\n").encode()


def atom(entries: list[dict], language: str = "en", title: str = "People Blog") -> bytes:
    """An Atom 1.0 document; an entry is {title, link, summary?, date?}."""
    items = []
    for entry in entries:
        date = entry.get("date") or datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
        summary = f'<summary type="html">{escape(entry["summary"])}</summary>' if entry.get("summary") else ""
        items.append(f"<entry><title>{escape(entry['title'])}</title><link rel=\"alternate\" href=\"{escape(entry['link'])}\"/>"
                     f"<id>{escape(entry['link'])}</id><updated>{date.isoformat()}</updated>{summary}</entry>")
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{language}">'
            f"<title>{title}</title><id>urn:example:people</id><updated>2026-11-20T09:00:00Z</updated>"
            f"{''.join(items)}</feed>\n").encode()
