"""The REST API under /api/: the same walls (assignments.access) and the same services as
the web pages, described by an OpenAPI 3 schema."""
