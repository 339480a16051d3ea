"""Local AWS: a moto server on loopback with the tables, buckets and secrets of template.yaml.

Tests and `sharewall serve` both use this, so the code under test talks real boto3 over HTTP to
resources defined in one place: the SAM template.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3

from site_builder.local.devauth import DEV_AUDIENCE, DEV_ISSUER
from site_builder.local.template import load_template, resources_of_type
from site_builder.production import samconfig_overrides

REGION = "eu-central-1"
ACCOUNT = "123456789012"  # moto's default account
SANDBOX = "sandbox"  # samconfig.toml's environment with demo values for the parameters the company must set
# The local sign-in and origin, over the sandbox's: locally nobody checks tokens against an IdP
LOCAL_PARAMETERS = {
    "JwtIssuer": DEV_ISSUER,
    "JwtAudience": DEV_AUDIENCE,
    "SiteOrigin": "http://127.0.0.1",
    "WallAccess": "public",  # locally the wall is open unless `--parameter WallAccess=employees`
    "InviteEmailFrom": "invites@sharewall.example",  # invites by e-mail land in moto's SES (verified below)
}
# CloudFormation-only table properties the DynamoDB API does not take on create_table
_TABLE_ONLY_IN_CFN = {"PointInTimeRecoverySpecification", "TimeToLiveSpecification", "SSESpecification",
                      "Tags", "ContributorInsightsSpecification", "KinesisStreamSpecification",
                      "ImportSourceSpecification", "ResourcePolicy", "TableClass", "WarmThroughput",
                      "OnDemandThroughput"}


# CloudFormation's CorsRules property names -> the S3 API's
_S3_CORS_NAMES = {"AllowedHeaders": "AllowedHeaders", "AllowedMethods": "AllowedMethods",
                  "AllowedOrigins": "AllowedOrigins", "ExposedHeaders": "ExposeHeaders", "MaxAge": "MaxAgeSeconds",
                  "Id": "ID"}


def set_local_env(endpoint: str) -> None:
    """Point every boto3 client in this process at the local endpoint, with fake credentials."""
    os.environ.update({
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,  # what boto3 reads
        "AWS_REGION": REGION,  # what Lambda sets
    })
    os.environ.pop("AWS_PROFILE", None)


def start_moto(port: int = 0):
    """A ThreadedMotoServer on 127.0.0.1, on `port` (0: one the OS picks); returns (server, endpoint URL).

    OSError when the port cannot be bound (taken, or privileged), instead of moto's wait for ever.
    """
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per AWS call
    server = _serialised_moto_server()(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    if server.bind_error is not None:
        server._thread.join()
        raise server.bind_error
    host, port = server.get_host_and_port()
    return server, f"http://{host}:{port}"


def _backup_tables_once_per_transaction() -> None:
    """Make moto's TransactWriteItems back up each table once, not once per item of the transaction.

    moto deep-copies the whole table for every item (so a 100-item transaction on a table of a few
    thousand items takes seconds, longer than the functions' read timeout); DynamoDB's cost does not
    grow with the table. The backup is still taken, once, before the first item is applied.
    """
    import copy

    import moto.dynamodb.models as models

    if getattr(models.DynamoDBBackend.transact_write_items, "once", False):
        return
    original, state = models.DynamoDBBackend.transact_write_items, threading.local()

    class CopyOnce:  # `copy` as moto's module sees it: a Table copied once per transaction
        def __getattr__(self, name: str) -> Any:
            return getattr(copy, name)

        def deepcopy(self, value: Any, memo: Any = None) -> Any:
            cache = getattr(state, "tables", None)
            if cache is None or not isinstance(value, models.Table):
                return copy.deepcopy(value, memo)
            if id(value) not in cache:
                cache[id(value)] = copy.deepcopy(value)
            return cache[id(value)]

    def transact_write_items(self, transact_items):
        state.tables = {}
        try:
            return original(self, transact_items)
        finally:
            state.tables = None

    transact_write_items.once = True
    models.copy = CopyOnce()
    models.DynamoDBBackend.transact_write_items = transact_write_items


def _serialised_moto_server():
    """ThreadedMotoServer whose backend handles one request at a time.

    Moto's in-memory backends are not thread-safe (a TransactWriteItems deep-copies a table another
    request is changing), while DynamoDB itself is; so clients stay concurrent over HTTP and the
    backend applies their requests one after another, as a partition leader would.
    """
    from moto.moto_server.threaded_moto_server import ThreadedMotoServer
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    _backup_tables_once_per_transaction()
    class SerialisedMotoServer(ThreadedMotoServer):
        bind_error: OSError | None = None  # the port could not be bound: start() returns, start_moto raises it

        def _server_entry(self) -> None:
            app = DomainDispatcherApplication(create_backend_app)
            lock = threading.Lock()

            def serialised(environ, start_response):
                with lock:
                    return list(app(environ, start_response))

            try:
                self._server = make_server(self._ip_address, self._port, serialised, True,
                                           request_handler=MotoRequestHandler)
            except (OSError, SystemExit) as error:  # werkzeug prints why and exits on a port it cannot bind
                cause = error if isinstance(error, OSError) else error.__context__
                self.bind_error = cause if isinstance(cause, OSError) else OSError(f"cannot listen on port {self._port}")
                self._server_ready_event.set()
                return
            self._server_ready_event.set()
            self._server.serve_forever()

    return SerialisedMotoServer


@dataclass
class LocalResources:
    """What was created, by logical id: physical names and ARNs, and the parameter values used."""

    template: dict
    parameters: dict[str, str]
    tables: dict[str, str] = field(default_factory=dict)
    buckets: dict[str, str] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)  # logical id -> ARN
    region: str = REGION  # the stack's region as the template sees it (AWS::Region, regional domain names)

    # Resolve the intrinsic functions environment variables use (Ref, GetAtt, Sub) to local values
    def resolve(self, value: Any) -> Any:
        if isinstance(value, dict) and len(value) == 1:
            (fn, arg), = value.items()
            if fn == "Ref":
                return self._ref(arg)
            if fn == "Fn::GetAtt":
                return self._get_att(*arg)
            if fn == "Fn::Sub":
                return self._sub(arg)
            if fn == "Fn::Join":
                sep, items = arg
                return sep.join(str(self.resolve(item)) for item in self.resolve(items))
            if fn == "Fn::Select":
                index, items = arg
                return self.resolve(self.resolve(items)[int(self.resolve(index))])
            if fn == "Fn::Split":
                sep, text = arg
                return str(self.resolve(text)).split(sep)
            if fn == "Fn::If":
                name, then, otherwise = arg
                return self.resolve(then if self.condition(name) else otherwise)
        return value

    # A condition of the template's Conditions section, evaluated with the local parameter values
    def condition(self, name: str) -> bool:
        return self._truth((self.template.get("Conditions") or {})[name])

    def _truth(self, value: Any) -> bool:
        (fn, arg), = value.items()
        if fn == "Condition":
            return self.condition(arg)
        if fn == "Fn::Equals":
            return str(self.resolve(arg[0])) == str(self.resolve(arg[1]))
        if fn == "Fn::Not":
            return not self._truth(arg[0])
        if fn == "Fn::And":
            return all(self._truth(item) for item in arg)
        if fn == "Fn::Or":
            return any(self._truth(item) for item in arg)
        raise ValueError(f"condition function {fn} is not supported locally")

    def _ref(self, name: str) -> str:
        pseudo = {"AWS::Region": self.region, "AWS::AccountId": ACCOUNT, "AWS::URLSuffix": "amazonaws.com",
                  "AWS::Partition": "aws", "AWS::StackName": "sharewall-local"}
        if name in pseudo:
            return pseudo[name]
        if name in self.parameters:
            return self.parameters[name]
        for names in (self.tables, self.buckets, self.secrets):
            if name in names:
                return names[name]
        return name

    def _get_att(self, name: str, attribute: str) -> str:
        if name in self.tables and attribute == "Arn":
            return f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{self.tables[name]}"
        if name in self.buckets and attribute == "Arn":
            return f"arn:aws:s3:::{self.buckets[name]}"
        if name in self.buckets and attribute in ("DomainName", "RegionalDomainName"):
            region = f".{self.region}" if attribute == "RegionalDomainName" else ""
            return f"{self.buckets[name]}.s3{region}.amazonaws.com"
        return self._ref(name)

    def _sub(self, arg: Any) -> str:
        text, extra = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])
        def replace(match: re.Match) -> str:
            key = match.group(2)
            if match.group(1):  # `${!Literal}`: CloudFormation's escape for a literal `${Literal}`
                return "${" + key + "}"
            if key in extra:
                return str(self.resolve(extra[key]))
            if "." in key and not key.startswith("AWS::"):
                return self._get_att(*key.split(".", 1))
            return self._ref(key)

        return re.sub(r"\$\{(!?)([^}]+)\}", replace, text)

    def function_environment(self) -> dict[str, str]:
        """The environment variables of every function (Globals first), resolved to local values.

        All functions run in one local process, so a variable two functions set differently is an error.
        """
        template = self.template
        env = {k: str(self.resolve(v)) for k, v in _variables(template.get("Globals", {}).get("Function", {})).items()}
        per_function: dict[str, tuple[str, str]] = {}
        for name, res in resources_of_type(template, "AWS::Serverless::Function").items():
            for key, value in _variables(res.get("Properties") or {}).items():
                if key == "POWERTOOLS_SERVICE_NAME":
                    continue  # each function names its own service; one process cannot hold them all
                resolved = str(self.resolve(value))
                if key in per_function and per_function[key][1] != resolved:
                    raise ValueError(f"{key} differs between {per_function[key][0]} and {name}; "
                                     "the local server runs all functions in one process")
                per_function[key] = (name, resolved)
        env.update({key: value for key, (_, value) in per_function.items()})
        if "SITE_BUCKET" in env:
            # the function tests read published files from a site over HTTP; `sharewall serve` sets it to its
            # local site bucket, which it fills as `publish` would (site_bucket.py)
            env["SITE_BUCKET"] = ""
        return env


def _variables(props: dict) -> dict:
    return ((props.get("Environment") or {}).get("Variables")) or {}


def table_request(name: str, props: dict) -> dict:
    """create_table arguments from a CloudFormation AWS::DynamoDB::Table's properties."""
    request = {key: value for key, value in props.items() if key not in _TABLE_ONLY_IN_CFN}
    request["TableName"] = name
    if props.get("SSESpecification", {}).get("SSEEnabled"):
        request["SSESpecification"] = {"Enabled": True}
    if request.get("BillingMode", "PROVISIONED") == "PAY_PER_REQUEST":
        for index in request.get("GlobalSecondaryIndexes", []):
            index.pop("ProvisionedThroughput", None)
    else:
        request.setdefault("ProvisionedThroughput", {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5})
    return request


def create_table(client, name: str, props: dict) -> None:
    """One table as the template defines it, with its TTL attribute switched on."""
    client.create_table(**table_request(name, json.loads(json.dumps(props))))
    ttl = props.get("TimeToLiveSpecification")
    if ttl and ttl.get("Enabled"):
        client.update_time_to_live(TableName=name, TimeToLiveSpecification={
            "AttributeName": ttl["AttributeName"], "Enabled": True})


def local_bucket_name(logical_id: str) -> str:
    return f"sharewall-local-{logical_id.lower()}"


def create_resources(template: dict | str | Path = "template.yaml",
                     parameters: dict[str, str] | None = None, samconfig: str | Path | None = None) -> LocalResources:
    """Create every table, bucket and secret of the template on the endpoint in AWS_ENDPOINT_URL.

    Parameter values: the template's defaults, then the demo values of samconfig.toml's `sandbox`
    environment (default: next to the template file, else in the working directory) for those the
    company must set (payer...), then the local sign-in and origin, then `parameters`.
    """
    if samconfig is None:
        samconfig = Path(template).with_name("samconfig.toml") if not isinstance(template, dict) else "samconfig.toml"
    if not isinstance(template, dict):
        template = load_template(template)
    values = {name: str(spec["Default"]) for name, spec in (template.get("Parameters") or {}).items()
              if "Default" in spec}
    declared = template.get("Parameters") or {}
    values.update({name: value for name, value in samconfig_overrides(Path(samconfig), SANDBOX).items()
                   if name in declared})
    values.update({name: value for name, value in LOCAL_PARAMETERS.items() if name in declared})
    for name in declared:
        values.setdefault(name, f"local-{name.lower()}")
    values.update(parameters or {})
    local = LocalResources(template=template, parameters=values)

    dynamodb = boto3.client("dynamodb", region_name=REGION)
    for logical_id, res in resources_of_type(template, "AWS::DynamoDB::Table").items():
        props = res.get("Properties") or {}
        name = props.get("TableName") if isinstance(props.get("TableName"), str) else logical_id
        create_table(dynamodb, name, props)
        local.tables[logical_id] = name

    s3 = boto3.client("s3", region_name=REGION)
    for logical_id, res in resources_of_type(template, "AWS::S3::Bucket").items():
        props = res.get("Properties") or {}
        name = props.get("BucketName") if isinstance(props.get("BucketName"), str) else local_bucket_name(logical_id)
        locked = props.get("ObjectLockEnabled") is True
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION},
                         **({"ObjectLockEnabledForBucket": True} if locked else {}))
        if (props.get("VersioningConfiguration") or {}).get("Status") == "Enabled":
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        if locked and props.get("ObjectLockConfiguration"):
            # the same names in CloudFormation and the S3 API (ObjectLockEnabled, Rule.DefaultRetention...)
            s3.put_object_lock_configuration(Bucket=name, ObjectLockConfiguration=props["ObjectLockConfiguration"])
        if props.get("PublicAccessBlockConfiguration"):
            s3.put_public_access_block(Bucket=name,
                                       PublicAccessBlockConfiguration=props["PublicAccessBlockConfiguration"])
        cors = props.get("CorsConfiguration")
        if cors:
            # Locally the site's origin is whatever loopback port `serve` got, so any origin may upload
            s3.put_bucket_cors(Bucket=name, CORSConfiguration={"CORSRules": [
                {_S3_CORS_NAMES[key]: ["*"] if key == "AllowedOrigins" else value
                 for key, value in rule.items() if key in _S3_CORS_NAMES}
                for rule in cors.get("CorsRules", [])]})
        local.buckets[logical_id] = name

    manager = boto3.client("secretsmanager", region_name=REGION)
    for logical_id, res in resources_of_type(template, "AWS::SecretsManager::Secret").items():
        props = res.get("Properties") or {}
        value = props.get("SecretString") if isinstance(props.get("SecretString"), str) else secrets.token_hex(32)
        arn = manager.create_secret(Name=logical_id, SecretString=value)["ARN"]
        local.secrets[logical_id] = arn

    # SES sends only from a verified identity: the operator verifies InviteEmailFrom once, locally moto's is verified here
    if values.get("InviteEmailFrom"):
        boto3.client("sesv2", region_name=REGION).create_email_identity(EmailIdentity=values["InviteEmailFrom"])
    return local


def reset_tables(local: LocalResources) -> None:
    """Empty every table by dropping and re-creating it from the template (tests start from zero)."""
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    for logical_id, name in local.tables.items():
        dynamodb.update_table(TableName=name, DeletionProtectionEnabled=False)  # as the template protects it
        dynamodb.delete_table(TableName=name)
        props = local.template["Resources"][logical_id].get("Properties") or {}
        create_table(dynamodb, name, props)


def snapshot(local: LocalResources) -> dict:
    """Everything the local stack holds, as JSON-able data: table items, bucket objects, secret values.

    A local development aid for `sharewall serve --data FILE`; it reads whole tables, which the
    functions themselves never do.
    """
    s3 = boto3.client("s3", region_name=REGION)
    buckets: dict[str, list] = {}
    for logical_id, name in local.buckets.items():
        objects = []
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=name):
            for entry in page.get("Contents", []):
                obj = s3.get_object(Bucket=name, Key=entry["Key"])
                objects.append({"key": entry["Key"], "content_type": obj.get("ContentType", ""),
                                "metadata": obj.get("Metadata", {}),
                                "body": base64.b64encode(obj["Body"].read()).decode()})
        buckets[logical_id] = objects
    return {"tables": table_items(local), "buckets": buckets, "secrets": _secret_values(local)}


def fingerprint(local: LocalResources) -> dict:
    """What a test compares to say a request changed nothing: every table item, every object version and delete
    marker of every bucket (key, version, ETag, size, time) and every secret's value.

    Any write leaves a trace here (a new version, a delete marker, a new time), yet no object's body is read, so
    it stays quick however many receipts earlier tests have filed under Object Lock (which no test can delete).
    """
    s3 = boto3.client("s3", region_name=REGION)
    buckets: dict[str, list] = {}
    for logical_id, name in local.buckets.items():
        entries = []
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=name):
            entries += [(entry["Key"], entry.get("VersionId"), entry.get("ETag"), entry.get("Size"),
                         entry["LastModified"].isoformat()) for entry in page.get("Versions", [])]
            entries += [(entry["Key"], entry.get("VersionId"), "delete marker", 0, entry["LastModified"].isoformat())
                        for entry in page.get("DeleteMarkers", [])]
        buckets[logical_id] = sorted(entries)
    return {"tables": table_items(local), "buckets": buckets, "secrets": _secret_values(local)}


def table_items(local: LocalResources) -> dict[str, list]:
    """Every item of every table, by logical id."""
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    tables: dict[str, list] = {}
    for logical_id, name in local.tables.items():
        items = []
        for page in dynamodb.get_paginator("scan").paginate(TableName=name):
            items.extend(page["Items"])
        tables[logical_id] = items
    return tables


def _secret_values(local: LocalResources) -> dict[str, str]:
    manager = boto3.client("secretsmanager", region_name=REGION)
    return {logical_id: manager.get_secret_value(SecretId=arn)["SecretString"] for logical_id, arn in local.secrets.items()}


def restore(local: LocalResources, data: dict) -> None:
    """Put a snapshot back into freshly created resources."""
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    s3 = boto3.client("s3", region_name=REGION)
    manager = boto3.client("secretsmanager", region_name=REGION)
    for logical_id, items in data.get("tables", {}).items():
        if logical_id in local.tables:
            for item in items:
                dynamodb.put_item(TableName=local.tables[logical_id], Item=item)
    for logical_id, objects in data.get("buckets", {}).items():
        if logical_id in local.buckets:
            for obj in objects:
                s3.put_object(Bucket=local.buckets[logical_id], Key=obj["key"], Body=base64.b64decode(obj["body"]),
                              ContentType=obj.get("content_type") or "application/octet-stream",
                              Metadata=obj.get("metadata") or {})
    for logical_id, value in data.get("secrets", {}).items():
        if logical_id in local.secrets:
            manager.put_secret_value(SecretId=local.secrets[logical_id], SecretString=value)


def save_snapshot(local: LocalResources, path: str | Path) -> None:
    """Write the snapshot atomically, so a crash mid-write never loses the previous state."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(target.suffix + ".tmp")
    temporary.write_text(json.dumps(snapshot(local)), encoding="utf-8")
    temporary.replace(target)


def load_snapshot(local: LocalResources, path: str | Path) -> bool:
    """Restore from `path` when it exists; False when there was nothing to restore."""
    source = Path(path)
    if not source.is_file():
        return False
    restore(local, json.loads(source.read_text(encoding="utf-8")))
    return True
