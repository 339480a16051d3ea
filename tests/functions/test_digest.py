"""The daily digest against a loopback Teams Workflow and moto's SES, on a site the real build published into the
local site bucket: one card and one mail a day per language with exactly the posts that became active, nothing
for future, expired or draft posts, nothing twice a day, nothing when nothing is new, one channel's failure not
stopping the other, an unknown outcome never repeated, the webhook URL never logged."""

from __future__ import annotations

import email
import json
import threading
import uuid
from datetime import datetime, timedelta
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import boto3
import pytest

from site_builder.local.aws import ACCOUNT, REGION
from site_builder.local.events import LambdaContext
from site_builder.plugin import build_site
from tests.test_plugin import make_project, post

ZONE = ZoneInfo("Europe/Berlin")
NOW = datetime.now(ZONE).replace(second=0, microsecond=0)  # the build's and the first run's moment
SENDER = "wall@example.com"
PUBLISHED = ("posts.json", "sharewall/digest.json")  # what the function may read of the site bucket
POSTS = {
    "fresh-otter": post("Fresh Otter", NOW - timedelta(hours=2)),
    "sponsored-heron": post("Sponsored Heron", NOW - timedelta(hours=3), disclosure="sponsored",
                            campaign="heron-fair"),
    "old-orca": post("Old Orca", NOW - timedelta(days=3)),
    "scheduled-zeppelin": post("Scheduled Zeppelin", NOW + timedelta(hours=1)),
    "expired-walrus": post("Expired Walrus", NOW - timedelta(days=3), expires=f"{NOW - timedelta(days=1):%Y-%m-%d}"),
    "draft-xylofant": post("Draft Xylofant", NOW - timedelta(hours=1), draft="true"),
}
# built after the first digest went out: published before it, on the wall only from the next build on
LATE = {"late-lynx": post("Late Lynx", NOW - timedelta(hours=1))}
NEVER = ("Scheduled Zeppelin", "Expired Walrus", "Draft Xylofant", "Old Orca")


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    """The built sites: `first` (the posts above), `later` (one more post), `old` (nothing new)."""
    built = {}
    for name, posts in (("first", POSTS), ("later", {**POSTS, **LATE}),
                        ("old", {slug: POSTS[slug] for slug in ("old-orca", "scheduled-zeppelin", "draft-xylofant")})):
        built[name] = build_site(make_project(tmp_path_factory.mktemp(f"digest-{name}"), posts))
    return built


class Receiver:
    """A Teams Workflow on loopback: records every POST; answers `status`, or holds its answer while `hold` is set."""

    def __init__(self):
        self.bodies: list[dict] = []
        self.status = 202
        self.hold = threading.Event()
        self.received = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["content-length"]))
                receiver.bodies.append({"path": self.path, "type": self.headers["content-type"],
                                        "json": json.loads(body)})
                receiver.received.set()
                if receiver.hold.is_set():
                    receiver.released.wait(30)
                self.send_response(receiver.status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.released = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.token = uuid.uuid4().hex  # the secret part of the URL, as Teams puts a signature into its query
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/workflows/run?sig={self.token}"

    def cards(self) -> list[dict]:
        return [body["json"]["attachments"][0]["content"] for body in self.bodies]

    def stop(self):
        self.released.set()
        self.server.shutdown()


@pytest.fixture
def receiver():
    found = Receiver()
    yield found
    found.stop()


@pytest.fixture
def digest(fresh_tables, receiver, monkeypatch):
    """The digest function's environment on the local stack: the site bucket, a Teams secret holding the receiver's
    URL, the list address of German (the test site's one interface language) and a verified sender."""
    from sharewall_common.secret_values import forget_secrets

    bucket = fresh_tables.buckets["SiteBucket"]
    secret = f"digest-teams-{uuid.uuid4().hex[:8]}"
    boto3.client("secretsmanager", region_name=REGION).create_secret(Name=secret, SecretString=receiver.url)
    ses = boto3.client("sesv2", region_name=REGION)
    if SENDER not in [i["IdentityName"] for i in ses.list_email_identities()["EmailIdentities"]]:
        ses.create_email_identity(EmailIdentity=SENDER)
    address = f"wall-de-{uuid.uuid4().hex[:8]}@example.com"
    monkeypatch.setenv("SITE_BUCKET", bucket)
    monkeypatch.setenv("SITE_URL", "https://wall.example.com/")
    monkeypatch.setenv("DIGEST_TEAMS_SECRET", secret)
    monkeypatch.setenv("DIGEST_EMAIL_TO", f"de={address}")
    monkeypatch.setenv("DIGEST_EMAIL_FROM", SENDER)
    monkeypatch.setenv("DIGEST_LANGUAGES", "all")
    monkeypatch.setenv("DIGEST_MAX_POSTS", "5")
    forget_secrets()

    class Digest:
        to = address

        @staticmethod
        def publish(site: Path) -> None:
            s3 = boto3.client("s3", region_name=REGION)
            for key in PUBLISHED:
                s3.put_object(Bucket=bucket, Key=key, Body=(site / key).read_bytes())

        @staticmethod
        def run(at: datetime) -> dict:
            from digest.app import lambda_handler

            return lambda_handler({"scheduled": at.isoformat()}, LambdaContext(function_name="digest"))

        @staticmethod
        def mails() -> list[email.message.EmailMessage]:
            from moto.ses.models import ses_backends

            sent = ses_backends[ACCOUNT][REGION].sent_messages
            return [email.message_from_string(message.raw_data, policy=default_policy)
                    for message in sent if address in getattr(message, "destinations", [])]

    yield Digest
    forget_secrets()


def results(outcome: dict) -> dict[str, str]:
    return {item["channel"]: item["result"] for item in outcome["outcomes"]}


def titles(card: dict) -> list[str]:
    return [item["text"] for container in card["body"] if container["type"] == "Container"
            for item in container["items"] if item.get("size") == "Medium"]


def test_one_card_and_one_mail_with_exactly_the_posts_that_became_active(sites, digest, receiver):
    digest.publish(sites["first"])
    assert results(digest.run(NOW)) == {"teams": "sent", "email": "sent"}

    (body,) = receiver.bodies
    assert body["type"].startswith("application/json") and body["path"].endswith(receiver.token)
    message = body["json"]
    assert message["type"] == "message"
    (attachment,) = message["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5" and card["lang"] == "de"
    assert titles(card) == ["Fresh Otter", "Sponsored Heron"]  # newest first
    otter, heron = [c["items"] for c in card["body"] if c["type"] == "Container"]
    assert [item["text"] for item in heron if item.get("color") == "Attention"] == ["Anzeige"]  # the sponsored label
    assert not [item for item in otter if item.get("color") == "Attention"]
    assert otter[1]["text"] == "Summary of Fresh Otter."
    assert otter[2]["text"] == "Quelle: Comms Team"
    (share,) = otter[3]["actions"]
    assert share == {"type": "Action.OpenUrl", "title": "Teilen", "url": "https://wall.example.com/posts/fresh-otter/"}
    assert card["actions"] == [{"type": "Action.OpenUrl", "title": "Zur Wall", "url": "https://wall.example.com/"}]
    text = json.dumps(message, ensure_ascii=False)
    assert not [title for title in NEVER if title in text]

    (mail,) = digest.mails()
    assert mail["From"] == SENDER and mail["To"] == digest.to
    assert mail["Subject"] == "Neu auf der Wall: Fresh Otter (+1)"
    assert mail.get_content_type() == "multipart/alternative"
    plain, html = (part.get_content() for part in mail.iter_parts())
    assert [part.get_content_type() for part in mail.iter_parts()] == ["text/plain", "text/html"]
    for part in (plain, html):
        assert "Fresh Otter" in part and "Sponsored Heron" in part and "https://wall.example.com/posts/fresh-otter/" in part
        assert not [title for title in NEVER if title in part]
        assert f"weil {digest.to} den täglichen Überblick" in part  # why the reader gets it
    assert "Anzeige | Sponsored Heron" in plain
    assert "<img" not in html and "src=" not in html  # no remote image, no pixel
    assert {link.split('"')[0] for link in html.split('href="')[1:]} == {
        "https://wall.example.com/posts/fresh-otter/", "https://wall.example.com/posts/sponsored-heron/",
        "https://wall.example.com/"}  # every link the wall's own page: nothing per reader


def test_once_a_day_then_only_what_became_active_since(sites, digest, receiver):
    digest.publish(sites["first"])
    digest.run(NOW)
    digest.publish(sites["later"])  # a new post on the same day: the day's digest went out already
    assert results(digest.run(NOW + timedelta(minutes=30))) == {"teams": "sent already", "email": "sent already"}
    assert len(receiver.bodies) == 1 and len(digest.mails()) == 1

    assert results(digest.run(NOW + timedelta(days=1))) == {"teams": "sent", "email": "sent"}
    assert titles(receiver.cards()[1]) == ["Late Lynx"]  # published before the first digest, built after it
    assert "Late Lynx" in digest.mails()[1]["Subject"] and "(+" not in digest.mails()[1]["Subject"]

    assert results(digest.run(NOW + timedelta(days=2))) == {"teams": "nothing new", "email": "nothing new"}
    assert len(receiver.bodies) == 2 and len(digest.mails()) == 2


def test_nothing_when_nothing_is_new(sites, digest, receiver):
    digest.publish(sites["old"])  # an old post, a scheduled one and a draft
    assert results(digest.run(NOW)) == {"teams": "nothing new", "email": "nothing new"}
    assert receiver.bodies == [] and digest.mails() == []
    digest.publish(sites["first"])  # nothing sent, so the day is still free
    assert results(digest.run(NOW + timedelta(minutes=5))) == {"teams": "sent", "email": "sent"}


def test_at_most_max_posts_and_how_many_more(sites, digest, receiver, monkeypatch):
    monkeypatch.setenv("DIGEST_MAX_POSTS", "1")
    digest.publish(sites["first"])
    digest.run(NOW)
    (card,) = receiver.cards()
    assert titles(card) == ["Fresh Otter"]
    assert card["body"][-1]["text"] == "Weitere neue Beiträge auf der Wall: 1"


def test_overlapping_runs_send_once(sites, digest, receiver):
    digest.publish(sites["first"])
    outcomes = []
    runs = [threading.Thread(target=lambda: outcomes.append(results(digest.run(NOW)))) for _ in range(3)]
    for run in runs:
        run.start()
    for run in runs:
        run.join(60)
    assert len(receiver.bodies) == 1 and len(digest.mails()) == 1
    assert sorted(outcome["teams"] for outcome in outcomes) == ["sent", "sent already", "sent already"]


def test_a_failing_channel_does_not_stop_the_other_and_is_retried(sites, digest, receiver, capfd):
    from digest.run import DigestFailed

    digest.publish(sites["first"])
    receiver.status = 500
    with pytest.raises(DigestFailed):  # Lambda retries the run
        digest.run(NOW)
    assert len(digest.mails()) == 1  # the mail went out all the same
    assert '"DigestSendFailed"' in capfd.readouterr().out
    receiver.status = 202
    assert results(digest.run(NOW + timedelta(minutes=2))) == {"teams": "sent", "email": "nothing new"}
    assert [titles(card) for card in receiver.cards()] == [["Fresh Otter", "Sponsored Heron"]] * 2
    assert len(digest.mails()) == 1


def test_an_unknown_outcome_is_not_repeated_and_raises_the_alarm_metric(sites, digest, receiver, monkeypatch, capfd):
    from digest import channels

    monkeypatch.setattr(channels, "ANSWER_SECONDS", 0.5)
    digest.publish(sites["first"])
    receiver.hold.set()  # the Workflow takes the message and does not answer in time
    assert results(digest.run(NOW)) == {"teams": "unknown", "email": "sent"}
    assert receiver.received.is_set()
    emitted = [json.loads(line) for line in capfd.readouterr().out.splitlines() if '"_aws"' in line]
    assert any(record.get("DigestOutcomeUnknown") == [1.0] or record.get("DigestOutcomeUnknown") == 1.0
               for record in emitted), emitted
    receiver.hold.clear()
    receiver.released.set()
    assert results(digest.run(NOW + timedelta(minutes=2))) == {"teams": "nothing new", "email": "nothing new"}
    digest.publish(sites["later"])  # even with something new, not again that day
    assert results(digest.run(NOW + timedelta(minutes=3))) == {"teams": "sent already", "email": "sent already"}
    assert len(receiver.bodies) == 1


def test_the_webhook_url_is_never_logged(sites, digest, receiver, capfd, monkeypatch):
    import sys

    from digest.app import logger
    from digest.run import DigestFailed

    monkeypatch.setattr(logger.registered_handler, "stream", sys.stdout)  # this test's stdout, whoever made the logger
    digest.publish(sites["first"])
    receiver.status = 400
    with pytest.raises(DigestFailed) as failed:
        digest.run(NOW)
    receiver.status = 202
    digest.run(NOW + timedelta(minutes=1))
    captured = capfd.readouterr()
    assert len(receiver.bodies) == 2
    assert '"reason":"the Teams Workflow refused the message with HTTP 400"' in captured.out  # said, without the URL
    for text in (captured.out, captured.err, str(failed.value)):
        assert receiver.token not in text and "/workflows/run" not in text


def test_a_malformed_setting_names_its_variable(monkeypatch):
    from digest.settings import SettingsError, from_environ

    with pytest.raises(SettingsError, match="^DIGEST_EMAIL_TO: 'de:wall@example.com' is not language=address"):
        from_environ({"DIGEST_EMAIL_TO": "de:wall@example.com"})
    with pytest.raises(SettingsError, match="^DIGEST_MAX_POSTS"):
        from_environ({"DIGEST_MAX_POSTS": "0"})


def test_the_published_texts_are_the_ones_the_function_reads():
    from digest import site
    from site_builder import digest as builder

    assert site.KEYS == builder.KEYS


def test_the_digest_role_may_touch_only_its_records_the_posts_its_secret_and_its_sender():
    from site_builder.local.template import load_template

    function = load_template(Path(__file__).parents[2] / "template.yaml")["Resources"]["DigestFunction"]["Properties"]
    (policy,) = function["Policies"]
    statements = {statement["Sid"]: statement for statement in policy["Statement"]}
    records = statements["DigestRecordsOnly"]
    assert records["Condition"] == {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["DIGEST#*"]}}
    assert sorted(records["Action"]) == ["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem",
                                         "dynamodb:UpdateItem"]
    assert [r["Fn::Sub"] for r in statements["ReadPublishedPostsAndDigestTexts"]["Resource"]] == [
        "${SiteBucket.Arn}/posts.json", "${SiteBucket.Arn}/??/posts.json", "${SiteBucket.Arn}/???/posts.json",
        "${SiteBucket.Arn}/sharewall/digest.json"]
    secret = statements["ReadTeamsWebhookSecret"]
    assert secret["Action"] == ["secretsmanager:GetSecretValue"]
    assert secret["Resource"]["Fn::Sub"].endswith(":secret:${DigestTeamsWebhookSecret}-??????")
    mail = statements["SendDigestFromTheSender"]
    assert mail["Action"] == ["ses:SendEmail"]
    assert mail["Condition"] == {"StringEquals": {"ses:FromAddress": {"Ref": "DigestEmailFrom"}}}
    assert set(statements) == {"DigestRecordsOnly", "ReadPublishedPostsAndDigestTexts", "ReadTeamsWebhookSecret",
                               "SendDigestFromTheSender"}
    (schedule,) = function["Events"].values()
    assert schedule["Type"] == "ScheduleV2"
    assert schedule["Properties"]["ScheduleExpressionTimezone"] == {"Ref": "Timezone"}


def test_an_unreadable_webhook_secret_fails_teams_alone(sites, digest, receiver, monkeypatch):
    from digest.run import DigestFailed
    from sharewall_common.secret_values import forget_secrets

    digest.publish(sites["first"])
    monkeypatch.setenv("DIGEST_TEAMS_SECRET", "no-such-secret")
    forget_secrets()
    with pytest.raises(DigestFailed):
        digest.run(NOW)
    assert receiver.bodies == [] and len(digest.mails()) == 1  # the mail went out all the same


def test_post_texts_are_escaped_in_the_mail_and_the_subject_is_one_line():
    from digest import mail as mails
    from digest.selection import select
    from digest.site import Entry, Language

    texts = {"heading": "New", "intro": "Share", "source": "Source: {source}", "share": "Share", "more": "More: {count}",
             "open_wall": "Wall", "subject": "New: {title}", "subject_more": "New: {title} (+{count})",
             "footer": "Because {address}"}
    language = Language("en", "https://wall.example.com/en/", "en/", texts, {})
    hostile = Entry("x", '<img src=x onerror="alert(1)">\nBcc: all@example.com', "<script>alert(2)</script>",
                    "<b>Comms</b>", "<i>Ad</i>", 'https://wall.example.com/en/posts/x/"onmouseover="alert(3)',
                    NOW - timedelta(hours=1), None)
    mail = mails.mail(select([hostile], NOW, None, 5), language, "wall-en@example.com")
    assert "<img" not in mail.html and "<script" not in mail.html and "<b>" not in mail.html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in mail.html
    assert 'href="https://wall.example.com/en/posts/x/&quot;onmouseover=&quot;alert(3)"' in mail.html
    assert "\n" not in mail.subject and "Bcc: all@example.com" in mail.subject  # in the subject's text, no header


@pytest.mark.parametrize("text", ["[Win a prize](https://evil.example/)", "- Tip one\n- Tip two", "1. First",
                                  "**Bold** _claim_ `code` <b>x</b> &amp; ![i](https://evil.example/i.png)",
                                  "# Heading", "> quoted", "+ plus", "a\\*b", "Costs 5 * 3 - 2 = 13 (net)"])
def test_post_texts_show_literally_in_the_card_though_teams_renders_markdown(text):
    from markdown_it import MarkdownIt  # CommonMark, the Markdown Teams renders in a TextBlock

    from digest import card as cards
    from digest.selection import select
    from digest.site import Entry, Language

    texts = {"heading": "New", "intro": "Share", "source": "Source: {source}", "share": "Share", "more": "More: {count}",
             "open_wall": "Wall", "subject": "New: {title}", "subject_more": "New: {title} (+{count})",
             "footer": "Because {address}"}
    language = Language("en", "https://wall.example.com/en/", "en/", texts, {})
    entry = Entry("x", text, text, text, text, "https://wall.example.com/en/posts/x/", NOW - timedelta(hours=1), None)
    card = cards.card(select([entry], NOW, None, 5), language)
    blocks = [item["text"] for item in card["body"][2]["items"] if item["type"] == "TextBlock"]
    assert len(blocks) == 4  # label, title, summary, source
    renderer = MarkdownIt("commonmark")
    for block in blocks:
        tokens = renderer.parse(block)
        assert [token.type for token in tokens] == ["paragraph_open", "inline", "paragraph_close"], block
        children = tokens[1].children
        assert {child.type for child in children} <= {"text", "softbreak"}, block  # no link, emphasis, code, image
        shown = "".join("\n" if child.type == "softbreak" else child.content for child in children)
        assert shown == text or shown == f"Source: {text}", block
