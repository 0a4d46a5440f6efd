import pytest
from django.core.files.uploadedfile import SimpleUploadedFile


@pytest.fixture
def upload(client_for, django_capture_on_commit_callbacks):
    """POST a file to /api/documents/ as `user` and run what is queued after commit (the pipeline)."""

    def send(user, name, content, **fields):
        client = client_for(user)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/api/documents/", {"file": SimpleUploadedFile(name, content), **fields},
                               format="multipart")

    return send


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """`with run_on_commit(): ...` executes on_commit callbacks (queued jobs, file deletion, signals)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
