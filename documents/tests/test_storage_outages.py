"""S3 through boto3 against moto's server mode on localhost, stopped and started again to make an outage."""

from urllib.parse import urlsplit

import pytest
import requests
from botocore.config import Config
from django_tasks_db.models import DBTaskResult

from accounts.tests.factories import UserFactory
from documents.models import Document, ProcessingStatus
from documents.tasks import delete_stored_file, process_document

pytestmark = pytest.mark.django_db
BUCKET = "pharma-outage-documents"


class MotoS3:
    """moto's S3 server; `down()` stops it, `up()` starts it on the same port (moto keeps its objects)."""

    def __init__(self):
        self.port, self.server = 0, None

    def up(self):
        from moto.server import ThreadedMotoServer

        if self.server is None:
            self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
            self.server.start()
            self.port = self.server.get_host_and_port()[1]

    def down(self):
        if self.server is not None:
            self.server.stop()
            self.server = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture(scope="module")
def moto():
    server = MotoS3()
    server.up()
    yield server
    server.down()


@pytest.fixture
def s3(moto, settings):
    import boto3

    moto.up()
    client = boto3.client("s3", endpoint_url=moto.url, aws_access_key_id="test-key",
                          aws_secret_access_key="test-secret", region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "documents.storage.DocumentS3Storage",
        "OPTIONS": {"bucket_name": BUCKET, "endpoint_url": moto.url, "access_key": "test-key",
                    "secret_key": "test-secret", "region_name": "us-east-1", "querystring_expire": 300,
                    "file_overwrite": False, "default_acl": None, "signature_version": "s3v4",
                    "public_endpoint_url": f"http://localhost:{moto.port}",
                    "client_config": Config(connect_timeout=1, read_timeout=5,
                                            retries={"mode": "standard", "max_attempts": 1})},
    }}
    yield client
    moto.up()
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client):
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def assert_no_internals(text, moto):
    for secret in ("127.0.0.1", str(moto.port), BUCKET, "http", "documents/"):
        assert secret not in text, text


def post(client_for, user, name, content, run_on_commit):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with run_on_commit():
        return client_for(user).post("/api/documents/", {"file": SimpleUploadedFile(name, content)},
                                     format="multipart")


def queued_jobs(task):
    return list(DBTaskResult.objects.filter(task_path=task.module_path, status="READY").order_by("enqueued_at"))


def test_presigned_download_url_is_signed_for_the_public_endpoint_and_works(s3, moto, client_for, run_on_commit):
    user = UserFactory()
    document_id = post(client_for, user, "안내.txt", "공개 주소로 받기".encode(), run_on_commit).json()["id"]

    response = client_for(user).get(f"/api/documents/{document_id}/download/")

    assert response.status_code == 302
    location = response["Location"]
    assert urlsplit(location).netloc == f"localhost:{moto.port}"
    assert requests.get(location, timeout=10).content == "공개 주소로 받기".encode()


def test_readyz_reports_storage_down_in_korean_without_internal_details(s3, moto, client):
    assert client.get("/readyz").json()["checks"]["storage"]["status"] == "ok"
    moto.down()

    response = client.get("/readyz")

    assert response.status_code == 503
    storage = response.json()["checks"]["storage"]
    assert storage["status"] == "fail" and "파일 저장소" in storage["detail"]
    assert_no_internals(storage["detail"], moto)


def test_upload_while_storage_is_down_is_503_in_korean_and_nothing_is_recorded(s3, moto, client_for,
                                                                              run_on_commit):
    moto.down()

    response = post(client_for, UserFactory(), "실패.txt", "저장소 다운".encode(), run_on_commit)

    assert response.status_code == 503 and response.json()["code"] == "storage_unavailable"
    assert "다시 올려 주세요" in response.json()["detail"]
    assert_no_internals(response.json()["detail"], moto)
    assert Document.objects.count() == 0


def test_processing_while_storage_is_down_waits_and_finishes_when_it_is_back(s3, moto, client_for, run_on_commit):
    document_id = post(client_for, UserFactory(), "처리.txt", "리피토 처리 중 저장소 다운".encode(),
                       run_on_commit).json()["id"]
    (job,) = queued_jobs(process_document)
    moto.down()

    assert job.task.call(*job.task_result.args) == "waiting for storage"

    document = Document.objects.get(pk=document_id)
    assert document.status == ProcessingStatus.QUEUED and "파일 저장소" in document.error
    assert_no_internals(document.error, moto)
    (retry,) = queued_jobs(process_document)[1:]
    assert retry.run_after > job.enqueued_at
    moto.up()
    assert retry.task.call(*retry.task_result.args) == ProcessingStatus.READY
    document.refresh_from_db()
    assert document.status == ProcessingStatus.READY and document.error == ""


def test_delete_while_storage_is_down_retries_until_the_object_is_gone(s3, moto, client_for, run_on_commit):
    user = UserFactory()
    document_id = post(client_for, user, "삭제.txt", "지울 파일".encode(), run_on_commit).json()["id"]
    assert len(keys(s3)) == 1
    with run_on_commit():
        assert client_for(user).delete(f"/api/documents/{document_id}/").status_code == 204
    (first,) = queued_jobs(delete_stored_file)
    moto.down()

    assert first.task.call(*first.task_result.args) == "retry scheduled"

    (retry,) = queued_jobs(delete_stored_file)[1:]
    moto.up()
    assert len(keys(s3)) == 1  # still there: the delete did not reach the storage
    assert retry.task.call(*retry.task_result.args) == "deleted"
    assert keys(s3) == []
