"""The local AWS: loopback only, resources created and reset, boto3 and moto imported only when needed."""

from __future__ import annotations

import subprocess
import sys

import pytest

from lambdalearn.content.labs import Bucket, Queue, Resources, Table, Topic
from lambdalearn.labs.local_aws import LocalAws, UnsafeEndpoint, require_loopback


@pytest.mark.parametrize("url", ["http://127.0.0.1:5000", "http://localhost:4566", "http://[::1]:80", "http://127.8.0.1"])
def test_loopback_endpoints_are_accepted(url):
    assert require_loopback(url) == url


@pytest.mark.parametrize("url", ["https://s3.amazonaws.com", "http://10.0.0.5:4566", "http://0.0.0.0:5000", "http://example.com"])
def test_other_endpoints_are_refused(url):
    with pytest.raises(UnsafeEndpoint, match="refusing AWS endpoint"):
        require_loopback(url)


def test_resources_are_created_and_reset():
    resources = Resources(
        buckets=(Bucket("in-bucket", {"a.txt": "alpha"}),),
        queues=(Queue("jobs"), Queue("jobs.fifo", fifo=True)),
        tables=(Table("orders", (("pk", "S"), ("sk", "N")), ({"pk": "1", "sk": 2, "total": 3.5},)),),
    )
    with LocalAws(resources) as aws:
        assert aws.endpoint_url.startswith("http://127.0.0.1:")
        aws.reset()
        assert aws.s3_get("in-bucket", "a.txt") == "alpha"
        assert aws.get_item("orders", {"pk": "1", "sk": 2}) == {"pk": "1", "sk": 2, "total": 3.5}
        aws.s3_put("in-bucket", "b.txt", "beta")
        aws.sqs_send("jobs.fifo", {"n": 1})
        aws.put_item("orders", {"pk": "2", "sk": 1})
        assert (aws.sqs_count("jobs.fifo"), aws.item_count("orders")) == (1, 2)
        aws.reset()
        assert aws.s3_get("in-bucket", "b.txt") is None
        assert (aws.sqs_count("jobs.fifo"), aws.item_count("orders")) == (0, 1)


def test_messages_published_to_a_topic_can_be_read_until_the_reset():
    with LocalAws(Resources(topics=(Topic("alerts"), Topic("other")))) as aws:
        aws.reset()
        sns = aws.client("sns")
        arn = sns.create_topic(Name="alerts")["TopicArn"]
        sns.publish(TopicArn=arn, Message='{"n": 1}', Subject="first")
        sns.publish(TopicArn=arn, Message="second")
        published = aws.sns_published("alerts")
        assert [(m["message"], m["subject"]) for m in published] == [('{"n": 1}', "first"), ("second", None)]
        assert aws.sns_published("other") == []
        aws.reset()
        assert aws.sns_published("alerts") == []


def test_the_lab_engine_imports_no_aws_library_until_a_lab_needs_it():
    code = (
        "import sys\n"
        "import lambdalearn.labs.runner, lambdalearn.labs.local_aws, lambdalearn.commands.lab\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('boto3', 'botocore', 'moto', 'watchfiles')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_moto_server_ends_with_its_parent_even_after_sigkill(tmp_path):
    import os
    import signal
    import time

    from lambdalearn.runtime import procfs

    script = (
        "import sys, time\n"
        "from lambdalearn.labs.local_aws import LocalAws\n"
        "from lambdalearn.content.labs import Resources\n"
        "aws = LocalAws(Resources())\n"
        "aws.wait_ready()\n"
        "print(aws._process.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    server_pid = int(parent.stdout.readline())
    assert procfs.is_alive(server_pid)
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while procfs.is_alive(server_pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not procfs.is_alive(server_pid)
