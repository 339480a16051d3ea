"""Create a CloudFormation template (translated from template.yaml) in moto's CloudFormation; print what exists.

Run in a process of its own (`python -c 'import sys, tests.stack_in_moto as s; s.main(sys.argv[1:])' T P`):
moto's in-process mock resets the backends the test session's moto server shares.

moto's CloudFormation creates tables, buckets, functions, roles, log groups and permissions itself.
The types in STUBBED it cannot create; each gets a stand-in that creates the same thing through moto's
own API for that service where moto has one (so the properties CloudFormation resolved must be
acceptable to that API), and answers Ref/GetAtt like CloudFormation does.
"""

from __future__ import annotations

import json
import sys
import uuid
from typing import Any

import boto3
from moto import mock_aws
from moto.cloudformation import parsing
from moto.core.common_models import CloudFormationModel

REGION = "eu-central-1"
# Types of template.yaml's translation that moto's CloudFormation does not support (checked by the test)
STUBBED = {
    "AWS::ApiGatewayV2::Api": "apigatewayv2 create_api + reimport_api of the OpenAPI body SAM wrote",
    "AWS::ApiGatewayV2::Stage": "apigatewayv2 create_stage",
    "AWS::SecretsManager::Secret": "secretsmanager create_secret (a generated value)",
    "AWS::S3::BucketPolicy": "s3 put_bucket_policy",
    "AWS::CloudFront::Distribution": "cloudfront create_distribution (the config in the API's shape)",
    "AWS::CloudFront::OriginAccessControl": "cloudfront create_origin_access_control",
    "AWS::CloudFront::Function": "cloudfront create_function",
    "AWS::CloudFront::KeyValueStore": "cloudfront create_key_value_store",
    "AWS::CloudFront::ResponseHeadersPolicy": "recorded only: moto has no response headers policies",
    "AWS::CloudWatch::Alarm": "cloudwatch put_metric_alarm",
    "AWS::SNS::Subscription": "sns subscribe",
    "AWS::Scheduler::Schedule": "scheduler create_schedule (the digest's working-day schedule)",
}
RECORDED: dict[str, dict] = {}  # logical id -> resolved properties of the record-only stand-ins


def _items(values: list, convert=lambda value: value) -> dict:
    return {"Quantity": len(values), "Items": [convert(value) for value in values]}


def _origin(origin: dict) -> dict:
    out = {key: origin[key] for key in ("Id", "DomainName", "OriginAccessControlId", "OriginPath") if key in origin}
    if "S3OriginConfig" in origin:
        out["S3OriginConfig"] = {"OriginAccessIdentity": origin["S3OriginConfig"].get("OriginAccessIdentity", "")}
    if "CustomOriginConfig" in origin:
        custom = origin["CustomOriginConfig"]
        out["CustomOriginConfig"] = {"HTTPPort": custom.get("HTTPPort", 80), "HTTPSPort": custom.get("HTTPSPort", 443),
                                     "OriginProtocolPolicy": custom["OriginProtocolPolicy"],
                                     "OriginSslProtocols": _items(custom.get("OriginSSLProtocols", ["TLSv1.2"]))}
    return out


def _behaviour(behaviour: dict) -> dict:
    keys = ("PathPattern", "TargetOriginId", "ViewerProtocolPolicy", "Compress", "CachePolicyId",
            "OriginRequestPolicyId", "ResponseHeadersPolicyId")
    out = {key: behaviour[key] for key in keys if key in behaviour}
    out["AllowedMethods"] = {**_items(behaviour.get("AllowedMethods", ["GET", "HEAD"])),
                             "CachedMethods": _items(behaviour.get("CachedMethods", ["GET", "HEAD"]))}
    out["FunctionAssociations"] = _items(behaviour.get("FunctionAssociations", []), lambda association: {
        "FunctionARN": association["FunctionARN"], "EventType": association["EventType"]})
    return out


def distribution_config(cfn: dict, caller_reference: str) -> dict:
    """AWS::CloudFront::Distribution's DistributionConfig in the shape of the CloudFront API."""
    certificate = cfn.get("ViewerCertificate") or {"CloudFrontDefaultCertificate": True}
    if not certificate.get("CloudFrontDefaultCertificate"):
        certificate = {"ACMCertificateArn": certificate["AcmCertificateArn"],
                       "SSLSupportMethod": certificate["SslSupportMethod"],
                       "MinimumProtocolVersion": certificate["MinimumProtocolVersion"]}
    return {
        "CallerReference": caller_reference, "Comment": cfn.get("Comment", ""), "Enabled": cfn["Enabled"],
        "DefaultRootObject": cfn.get("DefaultRootObject", ""), "HttpVersion": cfn.get("HttpVersion", "http2"),
        "IsIPV6Enabled": cfn.get("IPV6Enabled", False), "PriceClass": cfn.get("PriceClass", "PriceClass_All"),
        "Aliases": _items(cfn.get("Aliases", [])),
        "Origins": _items(cfn["Origins"], _origin),
        "DefaultCacheBehavior": _behaviour(cfn["DefaultCacheBehavior"]),
        "CacheBehaviors": _items(cfn.get("CacheBehaviors", []), _behaviour),
        "CustomErrorResponses": _items(cfn.get("CustomErrorResponses", []), lambda error: {
            "ErrorCode": error["ErrorCode"], "ResponsePagePath": error.get("ResponsePagePath", ""),
            "ResponseCode": str(error.get("ResponseCode", "")), "ErrorCachingMinTTL": error.get("ErrorCachingMinTTL", 10)}),
        "ViewerCertificate": certificate,
    }


class Stub:
    """A stand-in for one unsupported type: creates it through the service's API, answers Ref and GetAtt.

    Each stand-in also names CloudFormationModel as a direct base: moto finds models by __subclasses__().
    """

    kind = ""

    def __init__(self, ref: str, attributes: dict[str, str]):
        self.ref, self.attributes = ref, attributes

    @property
    def physical_resource_id(self) -> str:
        return self.ref

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return True

    def get_cfn_attribute(self, attribute_name: str) -> str:
        return self.attributes[attribute_name]

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @classmethod
    def cloudformation_type(cls) -> str:
        return cls.kind

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        props = cloudformation_json.get("Properties") or {}
        return cls(*cls.create(resource_name, props, kwargs["LogicalId"]))

    @classmethod
    def create(cls, name: str, props: dict, logical_id: str) -> tuple[str, dict[str, str]]:
        raise NotImplementedError

    @classmethod
    def update_from_cloudformation_json(cls, *args, **kwargs):
        raise NotImplementedError

    @classmethod
    def delete_from_cloudformation_json(cls, *args, **kwargs) -> None:
        return None


def _client(service: str):
    return boto3.client(service, region_name=REGION)


class HttpApi(Stub, CloudFormationModel):
    kind = "AWS::ApiGatewayV2::Api"

    @classmethod
    def create(cls, name, props, logical_id):
        client = _client("apigatewayv2")
        api = client.create_api(Name=name, ProtocolType="HTTP")
        client.reimport_api(ApiId=api["ApiId"], Body=json.dumps(props["Body"]))
        return api["ApiId"], {"ApiEndpoint": api["ApiEndpoint"], "ApiId": api["ApiId"]}


class HttpApiStage(Stub, CloudFormationModel):
    kind = "AWS::ApiGatewayV2::Stage"

    @classmethod
    def create(cls, name, props, logical_id):
        settings = {key: props[key] for key in ("AutoDeploy", "AccessLogSettings", "DefaultRouteSettings") if key in props}
        _client("apigatewayv2").create_stage(ApiId=props["ApiId"], StageName=props["StageName"], **settings)
        return props["StageName"], {}


class Secret(Stub, CloudFormationModel):
    kind = "AWS::SecretsManager::Secret"

    @classmethod
    def create(cls, name, props, logical_id):
        arn = _client("secretsmanager").create_secret(Name=name, SecretString=uuid.uuid4().hex)["ARN"]
        return arn, {"Id": arn}


class BucketPolicy(Stub, CloudFormationModel):
    kind = "AWS::S3::BucketPolicy"

    @classmethod
    def create(cls, name, props, logical_id):
        _client("s3").put_bucket_policy(Bucket=props["Bucket"], Policy=json.dumps(props["PolicyDocument"]))
        return props["Bucket"], {}


class OriginAccessControl(Stub, CloudFormationModel):
    kind = "AWS::CloudFront::OriginAccessControl"

    @classmethod
    def create(cls, name, props, logical_id):
        control = _client("cloudfront").create_origin_access_control(
            OriginAccessControlConfig=props["OriginAccessControlConfig"])["OriginAccessControl"]
        return control["Id"], {"Id": control["Id"]}


class Function(Stub, CloudFormationModel):
    kind = "AWS::CloudFront::Function"

    @classmethod
    def create(cls, name, props, logical_id):
        config = props["FunctionConfig"]
        api_config = {"Comment": config.get("Comment", ""), "Runtime": config["Runtime"]}
        if config.get("KeyValueStoreAssociations"):
            api_config["KeyValueStoreAssociations"] = _items(config["KeyValueStoreAssociations"])
        summary = _client("cloudfront").create_function(Name=props["Name"], FunctionConfig=api_config,
                                                        FunctionCode=props["FunctionCode"].encode())["FunctionSummary"]
        arn = summary["FunctionMetadata"]["FunctionARN"]
        return arn, {"FunctionARN": arn, "Stage": "LIVE"}


class KeyValueStore(Stub, CloudFormationModel):
    kind = "AWS::CloudFront::KeyValueStore"

    @classmethod
    def create(cls, name, props, logical_id):
        store = _client("cloudfront").create_key_value_store(Name=props["Name"], Comment=props.get("Comment", ""))
        store = store["KeyValueStore"]
        return store["Name"], {"Arn": store["ARN"], "Id": store["Id"]}


class Distribution(Stub, CloudFormationModel):
    kind = "AWS::CloudFront::Distribution"

    @classmethod
    def create(cls, name, props, logical_id):
        created = _client("cloudfront").create_distribution(
            DistributionConfig=distribution_config(props["DistributionConfig"], name))["Distribution"]
        return created["Id"], {"DomainName": created["DomainName"], "Id": created["Id"]}


class ResponseHeadersPolicy(Stub, CloudFormationModel):
    kind = "AWS::CloudFront::ResponseHeadersPolicy"

    @classmethod
    def create(cls, name, props, logical_id):
        RECORDED[logical_id] = props
        policy_id = str(uuid.uuid5(uuid.NAMESPACE_URL, name))
        return policy_id, {"Id": policy_id}


class MetricAlarm(Stub, CloudFormationModel):
    kind = "AWS::CloudWatch::Alarm"

    @classmethod
    def create(cls, name, props, logical_id):
        keys = ("AlarmDescription", "AlarmActions", "OKActions", "Namespace", "MetricName", "Dimensions", "Statistic",
                "Period", "EvaluationPeriods", "DatapointsToAlarm", "Threshold", "ComparisonOperator",
                "TreatMissingData", "Metrics")
        alarm = {key: props[key] for key in keys if key in props}
        for key in ("Period", "EvaluationPeriods", "DatapointsToAlarm"):
            if key in alarm:
                alarm[key] = int(alarm[key])
        alarm["Threshold"] = float(alarm["Threshold"])
        _client("cloudwatch").put_metric_alarm(AlarmName=name, **alarm)
        return name, {"Arn": f"arn:aws:cloudwatch:{REGION}:123456789012:alarm:{name}"}


class Subscription(Stub, CloudFormationModel):
    kind = "AWS::SNS::Subscription"

    @classmethod
    def create(cls, name, props, logical_id):
        arn = _client("sns").subscribe(TopicArn=props["TopicArn"], Protocol=props["Protocol"],
                                       Endpoint=props["Endpoint"])["SubscriptionArn"]
        return arn, {}


def unsupported(template: dict) -> set[str]:
    """The template's resource types moto's CloudFormation cannot create."""
    known = {model.cloudformation_type() for model in CloudFormationModel.__subclasses__()
             if not issubclass(model, Stub)}
    return {res["Type"] for res in template["Resources"].values()} - known


class Schedule(Stub, CloudFormationModel):
    kind = "AWS::Scheduler::Schedule"

    @classmethod
    def create(cls, name, props, logical_id):
        keys = ("ScheduleExpression", "ScheduleExpressionTimezone", "FlexibleTimeWindow", "Target", "State",
                "Description")
        schedule_name = props.get("Name") or name
        arn = _client("scheduler").create_schedule(Name=schedule_name, **{key: props[key] for key in keys
                                                                         if key in props})["ScheduleArn"]
        return schedule_name, {"Arn": arn}


def create(template: dict, parameters: dict[str, str]) -> dict[str, Any]:
    """Create the stack; what each service then holds."""
    parsing.get_model_list.cache_clear()
    parsing.get_model_map.cache_clear()
    parsing.get_name_type_map.cache_clear()
    with mock_aws():
        s3 = _client("s3")
        code = template["Resources"]
        for res in code.values():  # the functions' code where `sam package` would have put it
            if res["Type"] == "AWS::Lambda::Function":
                location = res["Properties"]["Code"]
                if location["S3Bucket"] not in {b["Name"] for b in s3.list_buckets()["Buckets"]}:
                    s3.create_bucket(Bucket=location["S3Bucket"], CreateBucketConfiguration={"LocationConstraint": REGION})
                s3.put_object(Bucket=location["S3Bucket"], Key=location["S3Key"], Body=_empty_zip())
        cloudformation = _client("cloudformation")
        cloudformation.create_stack(StackName="sharewall", TemplateBody=json.dumps(template),
                                    Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
                                    Capabilities=["CAPABILITY_IAM"])
        stack = cloudformation.describe_stacks(StackName="sharewall")["Stacks"][0]
        resources = cloudformation.list_stack_resources(StackName="sharewall")["StackResourceSummaries"]
        return {
            "status": stack["StackStatus"],
            "outputs": {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])},
            "resources": {r["LogicalResourceId"]: [r["ResourceType"], r["PhysicalResourceId"]] for r in resources},
            "tables": _client("dynamodb").list_tables()["TableNames"],
            "buckets": {b["Name"]: _bucket(s3, b["Name"]) for b in s3.list_buckets()["Buckets"]},
            "functions": {f["FunctionName"]: f.get("Environment", {}).get("Variables", {})
                          for f in _client("lambda").list_functions()["Functions"]},
            "apis": _apis(),
            "secrets": [s["ARN"] for s in _client("secretsmanager").list_secrets()["SecretList"]],
            "distributions": _distributions(),
            "cloudfront_functions": [f["Name"] for f in
                                     _client("cloudfront").list_functions()["FunctionList"].get("Items", [])],
            "key_value_stores": [s["ARN"] for s in
                                 _client("cloudfront").list_key_value_stores()["KeyValueStoreList"].get("Items", [])],
            "recorded": RECORDED,
            "alarms": {a["AlarmName"]: {key: a.get(key) for key in ("AlarmActions", "Dimensions", "MetricName", "Metrics")}
                       for a in _client("cloudwatch").describe_alarms()["MetricAlarms"]},
            "topics": [t["TopicArn"] for t in _client("sns").list_topics()["Topics"]],
            "schedules": {s["Name"]: _client("scheduler").get_schedule(Name=s["Name"])
                          for s in _client("scheduler").list_schedules()["Schedules"]},
            "subscriptions": [[s["TopicArn"], s["Protocol"], s["Endpoint"]]
                              for s in _client("sns").list_subscriptions()["Subscriptions"]],
        }


def _bucket(s3, name: str) -> dict:
    try:
        policy = json.loads(s3.get_bucket_policy(Bucket=name)["Policy"])
    except s3.exceptions.ClientError:
        policy = None
    return {"policy": policy}


def _apis() -> dict:
    client = _client("apigatewayv2")
    return {api["ApiId"]: {"routes": sorted(r["RouteKey"] for r in client.get_routes(ApiId=api["ApiId"])["Items"]),
                           "stages": [s["StageName"] for s in client.get_stages(ApiId=api["ApiId"])["Items"]]}
            for api in client.get_apis()["Items"]}


def _distributions() -> dict:
    client = _client("cloudfront")
    listing = client.list_distributions()["DistributionList"].get("Items", [])
    return {item["Id"]: client.get_distribution_config(Id=item["Id"])["DistributionConfig"] for item in listing}


def _empty_zip() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("placeholder.py", "")
    return buffer.getvalue()


def main(argv: list[str]) -> None:
    """Print as JSON what exists after creating the stack TEMPLATE.json with PARAMETERS.json."""
    template_path, parameters_path = argv
    with open(template_path, encoding="utf-8") as handle:
        translated = json.load(handle)
    with open(parameters_path, encoding="utf-8") as handle:
        values = json.load(handle)
    missing = unsupported(translated) - set(STUBBED)
    if missing:
        sys.exit(f"moto cannot create {sorted(missing)} and no stand-in is written for them")
    print(json.dumps({"unsupported": sorted(unsupported(translated)), **create(translated, values)}, default=str))
