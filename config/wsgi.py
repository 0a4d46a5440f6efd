import os

from django.core.wsgi import get_wsgi_application

from config.db import load_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
os.environ.setdefault("DB_APPLICATION_NAME", "pharma wsgi")

application = load_application(get_wsgi_application)
