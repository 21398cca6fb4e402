"""The web page for TCCB, unit heads and officers: server-rendered HTML (Jinja2) on aiohttp,
signed in through a one-time link the chat sends. `setup_web` adds its routes to any aiohttp
application, so the webhooks' server can carry it too."""
