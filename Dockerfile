# One image for web, worker and beat (docker-compose.yml chooses the command).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
# The PDF documents: WeasyPrint draws text with Pango, in a font the slim image lacks;
# gettext compiles the French catalogue (its .mo is built here, not kept in git).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
        gettext \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
RUN DJANGO_SETTINGS_MODULE=interim.settings.production DJANGO_SECRET_KEY=build-only \
    python manage.py collectstatic --noinput \
    && DJANGO_SETTINGS_MODULE=interim.settings.production DJANGO_SECRET_KEY=build-only \
    python manage.py compilemessages --locale fr --ignore ".venv/*"
RUN useradd --system --home /app interim && chown -R interim /app
USER interim
EXPOSE 8000
