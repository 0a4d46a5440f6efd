import os

from django.core.asgi import get_asgi_application

from config.db import load_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
os.environ.setdefault("DB_APPLICATION_NAME", "pharma asgi")

application = load_application(get_asgi_application)
