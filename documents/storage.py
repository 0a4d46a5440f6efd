"""Where document files live, and what to say when that place cannot be reached.

`DocumentS3Storage` signs presigned download URLs for the endpoint browsers use
(AWS_S3_PUBLIC_ENDPOINT_URL, e.g. http://localhost:9000 for compose's MinIO) while the app itself talks
to the internal one (AWS_S3_ENDPOINT_URL, e.g. http://minio:9000). Signing needs no network call.

Storage errors never reach a user with an internal URL, bucket or key in them: `describe_storage_error`
says in Korean what happened; the details go to the log only.
"""

import logging
import os
import threading

from botocore.exceptions import BotoCoreError, ClientError, ConnectionError as BotoConnectionError
from botocore.exceptions import EndpointConnectionError, NoCredentialsError, ReadTimeoutError
from django.core.files.storage import FileSystemStorage, storages
from django.utils.translation import gettext as _
from rest_framework import status
from storages.backends.s3 import S3Storage
from storages.utils import setting

from config.exceptions import DomainError

logger = logging.getLogger(__name__)

# S3 error codes that mean "the configuration is wrong", not "try again later".
CONFIGURATION_ERROR_CODES = {"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "NoSuchBucket",
                             "AllAccessDisabled", "InvalidBucketName"}


class StorageUnavailable(DomainError):
    """The storage is down or overloaded: an upload answers 503, a document waits and is retried."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    code = "storage_unavailable"

    @property
    def reason(self) -> str:
        return str(self.message)


class DocumentS3Storage(S3Storage):
    """S3Storage whose presigned URLs point at the public endpoint when one is set."""

    def get_default_settings(self):
        return {**super().get_default_settings(), "public_endpoint_url": setting("AWS_S3_PUBLIC_ENDPOINT_URL")}

    def __init__(self, **settings):
        super().__init__(**settings)
        self._public_client = None
        self._public_client_lock = threading.Lock()

    def url(self, name, parameters=None, expire=None, http_method=None):
        if not self.public_endpoint_url or self.custom_domain or not self.querystring_auth:
            return super().url(name, parameters=parameters, expire=expire, http_method=http_method)
        params = {**(parameters or {}), "Bucket": self.bucket_name, "Key": self._normalize_name(name)}
        return self._public_signing_client().generate_presigned_url(
            "get_object", Params=params, ExpiresIn=self.querystring_expire if expire is None else expire,
            HttpMethod=http_method)

    def _public_signing_client(self):
        with self._public_client_lock:
            if self._public_client is None:
                self._public_client = self._create_session().client(
                    "s3", region_name=self.region_name, use_ssl=self.use_ssl, endpoint_url=self.public_endpoint_url,
                    config=self.client_config, verify=self.verify)
            return self._public_client


def _s3_error_code(exc: BaseException) -> str:
    return exc.response.get("Error", {}).get("Code", "") if isinstance(exc, ClientError) else ""


def is_storage_outage(exc: BaseException) -> bool:
    """True for errors that go away by themselves (storage down, slow, overloaded): retry later."""
    if isinstance(exc, (EndpointConnectionError, BotoConnectionError, ReadTimeoutError)):
        return True
    if isinstance(exc, ClientError):
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        return status >= 500 or _s3_error_code(exc) in {"SlowDown", "RequestTimeout", "ServiceUnavailable"}
    return False


def is_storage_error(exc: BaseException) -> bool:
    return isinstance(exc, (BotoCoreError, ClientError))


def describe_storage_error(exc: BaseException) -> str:
    """A Korean reason for users and the admin, without endpoint, bucket or key."""
    logger.warning("storage error: %s", exc)
    if is_storage_outage(exc):
        return _("파일 저장소(S3)에 연결할 수 없습니다. 저장소가 다시 응답하면 자동으로 다시 시도합니다.")
    if isinstance(exc, NoCredentialsError) or _s3_error_code(exc) in CONFIGURATION_ERROR_CODES:
        return _("파일 저장소(S3)가 접근을 거부했습니다(%(code)s). 관리자에게 저장소 자격 증명과 버킷 설정을 "
                 "확인해 달라고 요청해 주세요.") % {"code": _s3_error_code(exc) or type(exc).__name__}
    return _("파일 저장소(S3) 오류가 발생했습니다(%(kind)s). 잠시 뒤 다시 시도해 주세요.") % {
        "kind": _s3_error_code(exc) or type(exc).__name__}


def storage_problem() -> str | None:
    """Why the document storage cannot be used right now (for /readyz), or None. No internal URLs."""
    storage = storages["default"]
    if isinstance(storage, S3Storage):
        try:
            storage.connection.meta.client.head_bucket(Bucket=storage.bucket_name)
        except (BotoCoreError, ClientError) as exc:
            return describe_storage_error(exc)
    elif isinstance(storage, FileSystemStorage):
        try:
            os.makedirs(storage.location, exist_ok=True)
        except OSError:
            return _("업로드 폴더(MEDIA_ROOT)를 만들 수 없습니다.")
        if not os.access(storage.location, os.W_OK):
            return _("업로드 폴더(MEDIA_ROOT)에 쓸 수 없습니다.")
    return None
