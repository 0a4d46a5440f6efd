"""The S3 path (django-storages + boto3) against moto's S3 server on localhost: real HTTP, no mock."""

from urllib.parse import unquote

import pytest
import requests

from accounts.tests.factories import UserFactory
from documents.models import Document, ProcessingStatus
from documents import filebuilders as builders

pytestmark = pytest.mark.django_db
BUCKET = "pharma-documents"


@pytest.fixture(scope="module")
def s3_server():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_server, settings):
    import boto3

    credentials = {"aws_access_key_id": "test-key", "aws_secret_access_key": "test-secret",
                   "region_name": "us-east-1"}
    client = boto3.client("s3", endpoint_url=s3_server, **credentials)
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": BUCKET, "endpoint_url": s3_server, "access_key": "test-key",
                    "secret_key": "test-secret", "region_name": "us-east-1", "querystring_expire": 300,
                    "file_overwrite": False, "default_acl": None, "signature_version": "s3v4"},
    }}
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def test_upload_stores_object_under_documents_uuid_and_processes_it(s3, upload):
    content = builders.pdf_bytes(["리피토 10mg 제품 정보"])

    response = upload(UserFactory(), "리피토 정보.pdf", content)

    document = Document.objects.get(pk=response.json()["id"])
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert keys == [document.file.name] and keys[0].startswith(f"documents/{document.pk}/")
    assert s3.get_object(Bucket=BUCKET, Key=keys[0])["Body"].read() == content
    assert document.status == ProcessingStatus.READY, document.error


def test_download_redirects_to_a_presigned_url_that_expires_in_minutes(s3, upload, client_for):
    user = UserFactory()
    content = "리피토 복약 안내문".encode()
    document_id = upload(user, "복약안내.txt", content).json()["id"]

    response = client_for(user).get(f"/api/documents/{document_id}/download/")

    assert response.status_code == 302
    url = response["Location"]
    assert "X-Amz-Expires=300" in url and "X-Amz-Signature" in url
    fetched = requests.get(url, timeout=10)
    assert fetched.status_code == 200 and fetched.content == content
    assert "복약안내.txt" in unquote(fetched.headers["Content-Disposition"])


def test_l1_user_gets_no_presigned_url_for_an_l2_document(s3, upload, client_for):
    document_id = upload(UserFactory(access_level=2), "비공개.txt", "L2 단가".encode(), access_level=2).json()["id"]

    response = client_for(UserFactory(access_level=1)).get(f"/api/documents/{document_id}/download/")

    assert response.status_code == 404 and "Location" not in response


def test_delete_removes_the_object_from_the_bucket_after_commit(s3, upload, client_for, run_on_commit):
    user = UserFactory()
    document_id = upload(user, "지울파일.txt", "삭제 대상".encode()).json()["id"]
    assert s3.list_objects_v2(Bucket=BUCKET)["KeyCount"] == 1

    with run_on_commit():
        assert client_for(user).delete(f"/api/documents/{document_id}/").status_code == 204

    assert s3.list_objects_v2(Bucket=BUCKET)["KeyCount"] == 0
