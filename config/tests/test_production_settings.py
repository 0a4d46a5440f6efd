import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_production(*args, **env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS")}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", **env_overrides})
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_production_refuses_to_start_without_secret_key():
    result = run_production("check", ALLOWED_HOSTS="pharma.example.kr")
    assert result.returncode == 1
    assert "SECRET_KEY" in result.stderr and "Traceback" not in result.stderr


def test_production_refuses_to_start_with_an_empty_secret_key():
    result = run_production("check", SECRET_KEY="  ", ALLOWED_HOSTS="pharma.example.kr")
    assert result.returncode == 1
    assert "SECRET_KEY" in result.stderr and "Traceback" not in result.stderr


def test_production_wsgi_app_stops_with_one_line_when_the_secret_key_is_empty():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", "SECRET_KEY": "",
                "ALLOWED_HOSTS": "pharma.example.kr"})
    result = subprocess.run([sys.executable, "-c", "import config.wsgi"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr.strip().startswith("error: SECRET_KEY") and "Traceback" not in result.stderr


def test_production_settings_pass_the_deploy_checklist():
    result = run_production("check", "--deploy", "--fail-level", "WARNING",
                            SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="pharma.example.kr")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
