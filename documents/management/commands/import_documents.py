from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Department, User
from config.exceptions import DomainError
from documents import services
from documents.errors import DuplicateDocument
from documents.models import Document, ProcessingStatus
from documents.pipeline import run_pipeline


class Command(BaseCommand):
    help = "Bulk-ingest every file under DIR (recursively): duplicates are skipped, refusals summarised."

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--access-level", type=int, default=1, choices=[1, 2, 3])
        parser.add_argument("--department", help="department code (e.g. CARDIO); none = every department")
        parser.add_argument("--uploader", help="e-mail of the user recorded as uploader")
        parser.add_argument("--sync", action="store_true",
                            help="process each file now instead of queueing it for the worker")

    def handle(self, directory, access_level, department, uploader, sync, **options):
        from tqdm import tqdm

        root = Path(directory)
        if not root.is_dir():
            raise CommandError(f"{root}은(는) 폴더가 아닙니다.")
        department_obj = Department.objects.filter(code=department).first() if department else None
        if department and department_obj is None:
            raise CommandError(f"부서 코드 {department!r}가 없습니다.")
        user = User.objects.filter(email__iexact=uploader).first() if uploader else None
        if uploader and user is None:
            raise CommandError(f"사용자 {uploader!r}가 없습니다.")

        paths = sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith("."))
        created, skipped, refused = [], [], []
        for path in tqdm(paths, desc="import", unit="file", disable=options["verbosity"] == 0):
            try:
                with path.open("rb") as handle:
                    document = services.document_create(
                        uploaded_by=user, file=File(handle, name=path.name), access_level=access_level,
                        department=department_obj, metadata={"imported_from": str(path.relative_to(root))},
                        enqueue=not sync)
                created.append(document.pk)
                if sync:
                    run_pipeline(document.pk)
            except DuplicateDocument as exc:
                skipped.append((path, exc.extra.get("existing", {}).get("title", "")))
            except DomainError as exc:
                refused.append((path, str(exc.message)))
        failed = Document.objects.filter(pk__in=created, status=ProcessingStatus.FAILED)
        self.stdout.write(f"파일 {len(paths)}개: {len(created)}개 등록, 중복 {len(skipped)}개 건너뜀, "
                          f"{len(refused)}개 거부, 처리 실패 {failed.count()}개")
        for path, reason in refused:
            self.stdout.write(f"  거부     {path}: {reason}")
        for document in failed:
            self.stdout.write(f"  실패     {document.source}: {document.error}")
        for path, title in skipped:
            self.stdout.write(f"  건너뜀   {path} (‘{title}’과 같은 파일)")
