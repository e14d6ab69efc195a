"""gunicorn's settings for the web process (docker-compose.yml, README's Production).

gunicorn reads this file from the folder it starts in, or from `-c gunicorn.conf.py`."""

from gunicorn.http import wsgi

wsgi_app = "interim.wsgi"

# gunicorn 27 writes "Server: gunicorn" before the application's headers and has no setting
# to leave it out. Naming the server tells an attacker which flaws to try: drop the line.
_default_headers = wsgi.Response.default_headers


def _default_headers_without_server(response):
    return [line for line in _default_headers(response) if not line.startswith("Server:")]


wsgi.Response.default_headers = _default_headers_without_server
