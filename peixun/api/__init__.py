"""The one NinjaAPI at /api/v1/ with its API keys and authentication; each app adds its router.
Top layer (interfaces), beside peixun.site and peixun.demo."""
