# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint types format migrate seed check-migrations check-deploy clean bench messages translations

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

migrate: $(STAMP) translations
	$(BIN)/python manage.py migrate --noinput

# The French catalogue: `messages` gathers the strings marked in the code and templates into
# locale/fr/LC_MESSAGES/django.po (keeping the translations there); `translations` compiles
# it into the .mo file Django reads (not kept in git).
MESSAGES := $(BIN)/python manage.py makemessages --locale fr --extension html,txt,py \
	--ignore '.venv/*' --ignore 'tests/*' --ignore 'bench/*' --ignore 'staticfiles/*' \
	--ignore '*/migrations/*' --ignore 'node_modules/*' --add-location file --no-obsolete

messages: $(STAMP)
	$(MESSAGES)
	$(MAKE) translations

translations: $(STAMP)
	$(BIN)/python manage.py compilemessages --locale fr --ignore '.venv/*' --ignore 'node_modules/*'

seed: migrate
	$(BIN)/python manage.py seed_demo

# Web, worker and beat together (bin/run), after one run of every sweep so that the demo
# world's reminders and flags are there at once (beat's first tick is one interval away).
# Links in the e-mails they send point at the address served (unless INTERIM_SITE_URL is set).
run: export INTERIM_SITE_URL ?= http://$(HOST):$(PORT)
run: seed
	mkdir -p var/broker/queue var/broker/control
	$(BIN)/python manage.py run_sweeps
	$(BIN)/python bin/run $(HOST):$(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --check
	$(BIN)/djlint templates --lint

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djlint templates --reformat

# Types of the layers that decide and write (access, services, selectors): mypy.ini.
types: $(STAMP)
	$(BIN)/mypy

check-migrations: $(STAMP)
	DJANGO_SETTINGS_MODULE=interim.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

# Django's deployment checklist on the production settings, given only the variables the
# README says production needs (dummy values): the secure defaults must pass it on their own.
check-deploy: $(STAMP)
	env -u DJANGO_SSL_REDIRECT -u DJANGO_HSTS_SECONDS -u DJANGO_SECURE_COOKIES \
	    DJANGO_SETTINGS_MODULE=interim.settings.production \
	    DJANGO_SECRET_KEY=check-deploy-only-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ \
	    DJANGO_ALLOWED_HOSTS=interim.example.com \
	    DATABASE_URL=postgres://interim:interim@db.example.com:5432/interim \
	    CELERY_BROKER_URL=redis://redis.example.com:6379/0 \
	    $(BIN)/python manage.py check --deploy --fail-level WARNING

test: lint types check-migrations check-deploy translations
	$(BIN)/pytest

# The pages under load, the sweeps and the submit-to-flag latency on a 10,000-assignment
# world (BENCHMARKS.md): PostgreSQL and Redis on this machine, wrk to drive the load.
bench: $(STAMP)
	@command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk"; exit 1; }
	$(BIN)/python bench/run.py --update-benchmarks

clean:
	rm -rf $(VENV) staticfiles var db.sqlite3
