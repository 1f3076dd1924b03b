"""Reading the web face's configuration from environment variables, once, at start-up."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from adapters.log import log_settings_from_env, parse_positive, read_variables
from adapters.web.ratelimit import Rate


@dataclass(frozen=True)
class ServerSettings:
    """Where and how the WSGI server listens."""

    host: str = "127.0.0.1"
    port: int = 8000
    threads: int = 4


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
    "SLACK_BOT_TOKEN": ("SLACK_BOT_TOKEN", str.strip),
    "SLACK_SIGNING_SECRET": ("SLACK_SIGNING_SECRET", str.strip),
    "SLACK_API_URL": ("SLACK_API_URL", str.strip),
}
_SERVER_VARIABLES: Mapping[str, tuple[str, Callable[[str], Any]]] = {
    "FAQBOT_HOST": ("host", str.strip),
    "FAQBOT_PORT": ("port", _port),
    "FAQBOT_THREADS": ("threads", parse_positive),
}


def app_config_from_env(environ: Mapping[str, str]) -> dict[str, Any]:
    """The ``create_app`` settings given by ``environ``; unset or empty variables are left out,
    except the question log's, which are always given (read by :func:`log_settings_from_env`).

    Raises ``ValueError`` naming the variable when a value cannot be read.
    """
    log = log_settings_from_env(environ)
    return {
        **read_variables(environ, _APP_VARIABLES),
        "LOG_PATH": log.path,
        "LOG_ENABLED": log.enabled,
        "LOG_RETENTION_DAYS": log.retention_days,
    }


def server_settings_from_env(environ: Mapping[str, str]) -> ServerSettings:
    """``FAQBOT_HOST``, ``FAQBOT_PORT`` and ``FAQBOT_THREADS``; raises ``ValueError`` like above."""
    return ServerSettings(**read_variables(environ, _SERVER_VARIABLES))
