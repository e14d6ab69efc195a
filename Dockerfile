# One image for web, worker and beat (docker-compose.yml chooses the command).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
RUN DJANGO_SETTINGS_MODULE=interim.settings.production DJANGO_SECRET_KEY=build-only \
    python manage.py collectstatic --noinput
RUN useradd --system --home /app interim && chown -R interim /app
USER interim
EXPOSE 8000
