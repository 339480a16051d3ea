"""The `sharewall` command line: a thin adapter over the content core, MkDocs and the local stack."""

from __future__ import annotations

import signal
import sys
from datetime import datetime
from pathlib import Path

import click

from site_builder import rules, scaffold
from site_builder.invites import invite
from site_builder.content import Issue, load_content
from site_builder.settings import Settings, SettingsError, load_settings

CONFIG = click.option(
    "--config", "config_file", default="mkdocs.yml", show_default=True,
    type=click.Path(dir_okay=False, path_type=Path), help="The site's mkdocs.yml (the sharewall plugin settings).",
)


def settings_of(config_file: Path) -> Settings:
    """The site's settings, or a clear error naming the file and the wrong fields (no traceback)."""
    try:
        return load_settings(config_file)
    except SettingsError as error:
        raise click.ClickException(str(error)) from None


@click.group()
@click.version_option(package_name="sharewall")
def main() -> None:
    """Sharewall: approved content, shared in your own voice."""


@main.command()
@click.argument("content_dir", default="content", type=click.Path(file_okay=False, path_type=Path))
@click.option("--format", "output", type=click.Choice(["text", "github"]), default="text", show_default=True,
              help="github prints workflow annotations for pull requests.")
@click.option("--no-drafts", is_flag=True,
              help="A post with `draft: true` is an error, not a warning (the gate on pull requests into main).")
@CONFIG
def check(content_dir: Path, output: str, no_drafts: bool, config_file: Path) -> None:
    """Validate every post, sources.yml and expenses.yml; exit 1 on any error."""
    if not content_dir.is_dir():
        raise click.UsageError(f"content folder {content_dir} does not exist")
    settings = settings_of(config_file)
    content = load_content(content_dir, settings, refuse_drafts=no_drafts)
    content.issues += rules.catalogues(settings)  # the interface's strings (site_builder/locales/)
    for issue in content.issues:
        click.echo(_format(issue, output), err=issue.severity == "warning" and output == "text")
    errors, warnings = len(content.errors), len(content.warnings)
    summary = f"{len(content.posts)} valid posts, {errors} errors, {warnings} warnings"
    click.echo(summary, err=True)
    sys.exit(1 if errors else 0)


def _format(issue: Issue, output: str) -> str:
    if output == "github":
        # workflow commands: '%', CR and LF must be escaped in the message
        message = issue.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::{issue.severity} file={issue.path},line={issue.line}::{message}"
    prefix = "warning: " if issue.severity == "warning" else ""
    return f"{issue.path}:{issue.line}: {prefix}{issue.message}"


@main.command()
@click.argument("title")
@click.option("--source", required=True, help="A key of content/sources.yml.")
@click.option("--language", required=True, help="One of the configured languages, e.g. de.")
@click.option("--content-dir", default="content", show_default=True, type=click.Path(file_okay=False, path_type=Path))
@CONFIG
def new(title: str, source: str, language: str, content_dir: Path, config_file: Path) -> None:
    """Write a post skeleton named after TITLE, published today; fill in its text, then run check."""
    settings = settings_of(config_file)
    try:
        path = scaffold.write_post(content_dir, settings, title, source, language, datetime.now(settings.zone))
    except scaffold.ScaffoldError as error:
        raise click.ClickException(str(error)) from None
    click.echo(path)


@main.command("import")
@click.argument("content_dir", default="content", type=click.Path(file_okay=False, path_type=Path))
@CONFIG
@click.option("--timeout", default=10.0, show_default=True, type=click.FloatRange(0.1, 300),
              help="Seconds one feed may take, connecting and reading.")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the drafts written as JSON here (path, slug, title, link, source, feed).")
@click.option("--max-drafts", default=10, show_default=True, type=click.IntRange(1, 1000),
              help="New drafts per source and run, newest first (each is a pull request); the rest come next run.")
def import_feeds(content_dir: Path, config_file: Path, timeout: float, report: Path | None, max_drafts: int) -> None:
    """Write a draft post for every new entry of the sources' feeds; exit 1 if a feed failed."""
    from site_builder import feeds

    if not content_dir.is_dir():
        raise click.UsageError(f"content folder {content_dir} does not exist")
    settings = settings_of(config_file)
    try:
        outcomes = feeds.import_feeds(content_dir, settings, datetime.now(settings.zone), timeout=timeout,
                                      max_drafts=max_drafts)
    except feeds.StateError as error:
        raise click.ClickException(str(error)) from None
    if not outcomes:
        click.echo(f"no source in {content_dir / 'sources.yml'} has a feed", err=True)
    for outcome in outcomes:
        for reason in outcome.skipped:
            click.echo(f"{outcome.source}: skipped {reason}", err=True)
        for draft in outcome.drafts:
            click.echo(f"{outcome.source}: wrote {draft.path}", err=True)
        click.echo(str(outcome))
    if report:
        feeds.write_report(report, outcomes)
    sys.exit(1 if any(outcome.error for outcome in outcomes) else 0)


@main.command()
@CONFIG
@click.option("--site-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to write the site; default: site_dir of mkdocs.yml (site/).")
@click.option("--production", is_flag=True,
              help="Refuse a local or http site_url, a missing sign_in and the demo payer; build nothing then.")
@click.option("--parameter", "parameters", multiple=True, metavar="NAME=VALUE",
              help="With --production: a template.yaml parameter as `sam deploy --parameter-overrides` gets it "
                   "(replaces samconfig.toml's); repeatable.")
@click.option("--config-env", default="default", show_default=True,
              help="With --production: the samconfig.toml environment `sam deploy` uses.")
def build(config_file: Path, site_dir: Path | None, production: bool, parameters: tuple[str, ...],
          config_env: str) -> None:
    """Build the static wall, post pages, posts.json and feed.xml; on any content error, build nothing."""
    from site_builder.plugin import build_site  # MkDocs is loaded only by the commands that build

    identity, editor_repo = None, None
    if production:
        identity, editor_repo = _check_production(config_file, parameters, config_env)
    elif parameters or config_env != "default":
        raise click.UsageError("--parameter and --config-env go with --production")
    click.echo(f"built {build_site(config_file, site_dir, identity=identity, editor_repo=editor_repo)}", err=True)


def _check_production(config_file: Path, pairs: tuple[str, ...], config_env: str) -> tuple[dict[str, str], str | None]:
    """The production guards (site_builder/production.py) as one clear error, exit 1; else sign_in's
    identity settings as the functions get them (the site reads roles as the API does) and the repository the
    editor commits to (mkdocs.yml's editor.repo, else the stack's SuggestionsRepository)."""
    from site_builder import production

    project, template, overrides = _template_parameters(config_file, pairs)
    try:
        values, sources = production.deploy_parameters(template, project / "samconfig.toml", config_env, overrides)
        site_url, sign_in, editor = production.site_settings(config_file)
        production.check(config_file, site_url, sign_in, values, sources, editor)
    except production.ProductionError as error:
        raise click.ClickException(str(error)) from None
    repo = production.editor_repo(editor, values)
    if editor is not None and not repo:  # the editor is built all the same; it says so when someone signs in
        click.echo(f"{config_file.name}: plugins.sharewall.editor.repo and SuggestionsRepository are both empty: the "
                   "editor at /admin/ cannot sign in at GitHub until one names the repository", err=True)
    return production.site_identity(values), repo


def _template_parameters(config_file: Path, pairs: tuple[str, ...]) -> tuple[Path, dict, dict[str, str]]:
    """The project folder, its template.yaml and the --parameter NAME=VALUE pairs checked against it."""
    from site_builder.local.template import load_template, parameter_overrides

    project = config_file.resolve().parent
    template = load_template(project / "template.yaml")
    try:
        return project, template, parameter_overrides(template, pairs)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--parameter") from None


@main.command()
@click.argument("site_dir", type=click.Path(path_type=Path))
@click.option("--bucket", required=True, help="The site bucket (the stack's output).")
@click.option("--distribution", default=None, help="The CloudFront distribution id: invalidate what changed.")
@click.option("--endpoint-url", default=None, help="Another S3/CloudFront endpoint, e.g. a local moto server.")
@click.option("--dry-run", is_flag=True, help="Say what would be uploaded and deleted; change nothing.")
@click.option("--fingerprint", default=None,
              help="The active-set fingerprint of this build (`sharewall active-posts`), stored in the bucket "
                   "as sharewall/active.txt after everything else succeeded.")
@click.option("--invalidation-limit", default=100, show_default=True, type=click.IntRange(1, 3000),
              help="More changed paths than this: invalidate /* instead.")
def publish(site_dir: Path, bucket: str, distribution: str | None, endpoint_url: str | None, dry_run: bool,
            fingerprint: str | None, invalidation_limit: int) -> None:
    """Upload a built site to its bucket: changed files only, delete what is gone, invalidate what changed."""
    from site_builder.publish import PublishError, publish as run, summary

    log = (lambda line: click.echo(line, err=True)) if dry_run else (lambda line: None)
    try:
        result = run(site_dir, bucket, distribution=distribution, endpoint_url=endpoint_url, dry_run=dry_run,
                     fingerprint=fingerprint, limit=invalidation_limit, log=log)
    except PublishError as error:
        raise click.ClickException(str(error)) from None
    if result.invalidated:
        verb = "would invalidate" if dry_run else f"invalidation {result.invalidation_id}:"
        click.echo(f"{verb} {' '.join(result.invalidated)}", err=True)
    if result.plan.kept:
        click.echo(f"kept {len(result.plan.kept)} objects that sharewall publish did not write (first: "
                   f"{result.plan.kept[0]}); it deletes only the keys in sharewall/published.json", err=True)
    click.echo(summary(result.plan, dry_run))


@main.command("active-posts")
@click.argument("content_dir", default="content", type=click.Path(file_okay=False, path_type=Path))
@CONFIG
@click.option("--revision", default="", help="Also hash this (the commit being deployed, e.g. $GITHUB_SHA).")
@click.option("--bucket", default=None, help="Compare with the fingerprint published in this bucket.")
@click.option("--endpoint-url", default=None, help="Another S3 endpoint, e.g. a local moto server.")
def active_posts(content_dir: Path, config_file: Path, revision: str, bucket: str | None,
                 endpoint_url: str | None) -> None:
    """Print `fingerprint=<sha256>` of the posts active now (no build); with --bucket also `changed=true|false`.

    The lines suit $GITHUB_OUTPUT: a scheduled deploy stops when `changed=false`.
    """
    from site_builder.fingerprint import active_set
    from site_builder.publish import PublishError, published_fingerprint

    if not content_dir.is_dir():
        raise click.ClickException(f"content folder {content_dir} does not exist")
    settings = settings_of(config_file)
    found = active_set(content_dir, settings, datetime.now(settings.zone), config_file, revision)
    if found.errors:
        raise click.ClickException(f"{found.errors} content errors; run `sharewall check {content_dir}`")
    click.echo(f"{found.active} active posts", err=True)
    click.echo(f"fingerprint={found.fingerprint}")
    if bucket:
        try:
            published = published_fingerprint(bucket, endpoint_url)
        except PublishError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"changed={'false' if published == found.fingerprint else 'true'}")


@main.command()
@CONFIG
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port on 127.0.0.1; 0 lets the system pick a free one.")
@click.option("--aws-port", default=0, show_default=True, type=click.IntRange(0, 65535),
              help="Port of the local AWS (moto) on 127.0.0.1, for `publish`/`active-posts --endpoint-url`; "
                   "0 lets the system pick a free one.")
@click.option("--data", "data_file", default=None, type=click.Path(dir_okay=False, path_type=Path),
              help="Keep the local data (tables, receipts) in this file across restarts; default: in memory.")
@click.option("--site-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to build the site; default: site_dir of mkdocs.yml (site/).")
@click.option("--parameter", "parameters", multiple=True, metavar="NAME=VALUE",
              help="Set a parameter of template.yaml for the local functions and the wall gate, e.g. "
                   "StatsMinimumPeople=1 or WallAccess=employees (locally public by default); repeatable. Also "
                   "DigestTeamsWebhookUrl=URL: the Teams Workflow the digest posts to (on AWS a secret holds it).")
@click.option("--editor-repo", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="The git repository the editor's local backend (decap-server) works in; default: a clone of "
                   "the project's at .sharewall/editor (never the working copy: it checks out and commits there).")
@click.option("--no-editor-backend", is_flag=True,
              help="Do not start the editor's local backend: /admin/ is built for the GitHub backend.")
def serve(config_file: Path, port: int, aws_port: int, data_file: Path | None, site_dir: Path | None,
          parameters: tuple[str, ...], editor_repo: Path | None, no_editor_backend: bool) -> None:
    """Build the site and serve it with the real functions behind /api, local AWS (moto) and the editor's
    local backend (decap-server)."""
    import shutil

    from site_builder.local import scheduled
    from site_builder.local.editor_backend import EditorBackendError, start_editor_backend
    from site_builder.local.server import SIGNIN_PATH, ServeError, api_prefix, aws_port_free, bind_server, start_stack
    from site_builder.plugin import build_site

    parameters, local_only = scheduled.local_parameters(parameters)  # e.g. DigestTeamsWebhookUrl: a secret on AWS
    project, template, overrides = _template_parameters(config_file, parameters)
    try:  # the port first: a taken one is one line, not a traceback after a whole build
        aws_port_free(aws_port)
        server = bind_server(port=port)
    except ServeError as error:
        raise click.ClickException(str(error)) from None
    settings = settings_of(config_file)
    origin = "http://{}:{}".format(*server.server_address[:2])
    editor, notes = None, []
    if not no_editor_backend:  # before the build: the editor's config names its URL
        try:
            editor = start_editor_backend(project, origin, shutil.which("node"), repository=editor_repo,
                                          branch=_editor_branch(config_file))
        except EditorBackendError as error:  # one line, and /admin/ is built for the GitHub backend
            notes.append(str(error))
    try:
        site_dir = build_site(config_file, site_dir, dev_sign_in=True,
                              editor_local_backend=editor.api_url if editor else None, editor_origin=origin)
        sign_in = settings.sign_in
        stack = start_stack(project, site_dir, data_file=data_file, api_setting=settings.api, parameters=overrides,
                            template=template, server=server,
                            sign_in_urls=(sign_in.authorize_url, sign_in.token_url) if sign_in else (),
                            aws_port=aws_port, editor=editor)
    except BaseException as error:  # the editor's backend must not outlive a serve that did not start
        if editor:
            editor.close()
        server.server_close()
        if isinstance(error, ServeError):
            raise click.ClickException(str(error)) from None
        raise
    scheduled.set_up(local_only, overrides)
    for note in [*notes, *stack.notes]:  # e.g. no Node: served without the wall gate
        click.echo(note, err=True)
    if editor:
        click.echo(f"editor: {stack.url}admin/  (local backend decap-server: {editor.url}, repository "
                   f"{editor.repository})", err=True)
    click.echo(f"Sharewall is running at {stack.url}  (dev sign-in: {stack.url.rstrip('/')}{SIGNIN_PATH})")
    # what `sharewall publish`, `active-posts` and `dev-token` need to talk to this stack
    click.echo(f"local AWS (moto): {stack.aws_endpoint}  (site bucket: {stack.site_bucket}); "
               f"API: {stack.url}{api_prefix(settings.api).strip('/')}", err=True)
    click.echo("Press Ctrl+C to stop.", err=True)
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops it like Ctrl+C: decap-server and moto with it
    try:
        stack.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped", err=True)


# decap-server's clone needs the base branch the editor's config names before the build writes that config
def _editor_branch(config_file: Path) -> str:
    """mkdocs.yml's `sharewall: editor: branch:`, `main` when it is not set."""
    import yaml

    from site_builder.settings import _IgnoreTagsLoader, plugin_options

    with config_file.open(encoding="utf-8") as handle:
        config = yaml.load(handle, Loader=_IgnoreTagsLoader) or {}
    editor = plugin_options(config.get("plugins") or []).get("editor")
    branch = editor.get("branch") if isinstance(editor, dict) else None
    return branch if isinstance(branch, str) and branch else "main"


# SIGTERM as Ctrl+C, so `sharewall serve` stops what it started on either
def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@main.command("dev-token")
@click.option("--role", "roles", multiple=True, default=("employee",), show_default=True,
              help="A role of the token: employee, comms or finance; repeatable (--role comms --role finance).")
@click.option("--user", default="dev", show_default=True, help="The token's user (its subject).")
@click.option("--api", envvar="SHAREWALL_API", default="http://127.0.0.1:8000/api", show_default=True,
              help="The API the token is for (or SHAREWALL_API): only the local one of `sharewall serve`.")
def dev_token(roles: tuple[str, ...], user: str, api: str) -> None:
    """Print a token of the local dev sign-in, for `invite` and `audit verify` against `sharewall serve`:
    export SHAREWALL_TOKEN=$(sharewall dev-token --role finance)."""
    from urllib.parse import urlsplit

    from sharewall_common.identity import ROLES
    from site_builder.local.devauth import dev_token as unsigned_token
    from site_builder.local.server import LOOPBACK_NAMES

    unknown = [role for role in roles if role not in ROLES]
    if unknown:
        raise click.BadParameter(f"{', '.join(unknown)} is not a role; use {', '.join(ROLES)}", param_hint="--role")
    parts = urlsplit(api)
    host = f"[{parts.hostname}]" if parts.hostname and ":" in parts.hostname else parts.hostname
    if parts.scheme != "http" or host not in LOOPBACK_NAMES:
        raise click.ClickException(
            f"{api} is not the local API: dev tokens are unsigned and only `sharewall serve` "
            f"(http://127.0.0.1:PORT/api) takes them; on AWS, sign in at your identity provider")
    click.echo(unsigned_token(user, list(dict.fromkeys(roles)), name=user.capitalize()))


@main.command()
@click.option("--url", required=True, help="The live wall, e.g. https://wall.example.com/.")
@click.option("--wall-access", type=click.Choice(["employees", "public"]), default="employees", show_default=True,
              help="The stack's WallAccess: employees - the wall needs a session, the claim pages do not.")
@click.option("--region", default=None,
              help="The stack's region: the CSP must allow the receipt upload URL the functions return there.")
def smoke(url: str, wall_access: str, region: str | None) -> None:
    """Check the live site from outside: the gate, every language's claim page, the CSP, the API; exit 1 naming
    each failed check."""
    from site_builder.smoke import smoke as run_smoke

    result = run_smoke(url, wall_access, region)
    for line in result.failures:
        click.echo(line)
    if result.failures:
        sys.exit(1)
    click.echo(f"smoke: {result.passed} checks passed", err=True)



@main.command()
@CONFIG
@click.option("--preview", is_flag=True, help="Print what the next run would send (required: nothing is sent).")
@click.option("--site-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("site"), show_default=True,
              help="The built site (sharewall build).")
@click.option("--language", "languages", multiple=True, metavar="CODE",
              help="Only this interface language; repeatable. Default: every one the site has.")
@click.option("--email-to", default="<DigestEmailTo>", show_default=True, help="The list address the mail's footer names.")
@click.option("--max-posts", default=5, show_default=True, type=click.IntRange(1, 20), help="DigestMaxPosts.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M"]), default=None,
              help="The posts that became active since this day or time (site timezone) instead of the last 24 hours.")
def digest(config_file: Path, preview: bool, site_dir: Path, languages: tuple[str, ...], email_to: str,
           max_posts: int, since: datetime | None) -> None:
    """The daily digest: with --preview, the Teams card (JSON) and the e-mail text the DigestFunction's next run
    would send, from a built site (as a first run picks: what became active in the last 24 hours)."""
    from site_builder import digest as digests
    from site_builder.production import ProductionError, site_settings

    if not preview:
        raise click.UsageError("the DigestFunction sends the digest (locally: POST /_local/run/DigestFunction of "
                               "sharewall serve); this command only previews it: sharewall digest --preview")
    try:
        site_url = site_settings(config_file)[0] or "http://127.0.0.1:8000/"
        zone = settings_of(config_file).zone
        previews = digests.preview(site_dir, site_url,
                           tuple(dict.fromkeys(languages)), address=email_to, max_posts=max_posts,
                           since=since.replace(tzinfo=zone) if since else None)
    except (ProductionError, digests.PreviewError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(digests.printed(previews))


main.add_command(invite)  # sharewall invite create|list|revoke


@main.group()
def audit() -> None:
    """The claims' audit trail (finance role)."""


@audit.command()
@click.option("--api", envvar="SHAREWALL_API", required=True,
              help="Base URL of the Sharewall API, e.g. https://wall.example.com/api (or SHAREWALL_API).")
@click.option("--token", envvar="SHAREWALL_TOKEN", required=True, show_envvar=True,
              help="Your bearer token (finance role); better passed as SHAREWALL_TOKEN than on the command line.")
def verify(api: str, token: str) -> None:
    """Check every claim's audit trail against its hash chain; exit 1 naming each broken claim's first broken link."""
    from site_builder.audit import verify as verify_chains
    from site_builder.invites import request

    result = verify_chains(lambda path: request(api, token, "GET", path), progress=click.echo)
    if result.broken:
        raise click.ClickException(f"{len(result.broken)} of {result.claims} claims have a broken audit trail")
    click.echo(f"verified {result.claims} claims, {result.entries} entries")
