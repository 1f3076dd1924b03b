"""Reading the web face's configuration from environment variables, once, at start-up."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from adapters.web.ratelimit import Rate


@dataclass(frozen=True)
class ServerSettings:
    """Where and how the WSGI server listens."""

    host: str = "127.0.0.1"
    port: int = 8000
    threads: int = 4


def _boolean(text: str) -> bool:
    value = text.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError("expected true or false")


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError("expected a whole number of at least 1")
    return value


def _port(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 65535:
        raise ValueError("expected a port number from 0 to 65535")
    return value


def _origins(text: str) -> tuple[str, ...]:
    return tuple(origin.strip() for origin in text.split(",") if origin.strip())


def _rate(text: str) -> str:
    Rate.parse(text)
    return text


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError("expected a whole number of at least 0")
    return value


# Environment variable -> (create_app setting, parser).
_APP_VARIABLES: Mapping[str, tuple[str, Callable[[str], Any]]] = {
    "FAQBOT_ALLOWED_ORIGINS": ("ALLOWED_ORIGINS", _origins),
    "FAQBOT_FRAME_ANCESTORS": ("FRAME_ANCESTORS", str.strip),
    "FAQBOT_RATE_LIMIT": ("RATE_LIMIT", _rate),
    "FAQBOT_PROXY_COUNT": ("PROXY_COUNT", _non_negative),
    "FAQBOT_LOG_PATH": ("LOG_PATH", str),
    "FAQBOT_LOG_ENABLED": ("LOG_ENABLED", _boolean),
    "FAQBOT_LOG_RETENTION_DAYS": ("LOG_RETENTION_DAYS", _positive),
    "SLACK_BOT_TOKEN": ("SLACK_BOT_TOKEN", str.strip),
    "SLACK_SIGNING_SECRET": ("SLACK_SIGNING_SECRET", str.strip),
    "SLACK_API_URL": ("SLACK_API_URL", str.strip),
}
_SERVER_VARIABLES: Mapping[str, tuple[str, Callable[[str], Any]]] = {
    "FAQBOT_HOST": ("host", str.strip),
    "FAQBOT_PORT": ("port", _port),
    "FAQBOT_THREADS": ("threads", _positive),
}


def _read(
    environ: Mapping[str, str], variables: Mapping[str, tuple[str, Callable[[str], Any]]]
) -> dict[str, Any]:
    values = {}
    for variable, (key, parse) in variables.items():
        text = environ.get(variable, "")
        if not text.strip():
            continue
        try:
            values[key] = parse(text)
        except ValueError as error:
            raise ValueError(f"{variable}={text!r}: {error}") from None
    return values


def app_config_from_env(environ: Mapping[str, str]) -> dict[str, Any]:
    """The ``create_app`` settings given by ``environ``; unset or empty variables are left out.

    Raises ``ValueError`` naming the variable when a value cannot be read.
    """
    return _read(environ, _APP_VARIABLES)


def server_settings_from_env(environ: Mapping[str, str]) -> ServerSettings:
    """``FAQBOT_HOST``, ``FAQBOT_PORT`` and ``FAQBOT_THREADS``; raises ``ValueError`` like above."""
    return ServerSettings(**_read(environ, _SERVER_VARIABLES))
