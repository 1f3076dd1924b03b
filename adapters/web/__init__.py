"""The web face: a JSON API and an embeddable chat widget over the core."""

from adapters.web.app import DEFAULT_CONFIG, close_app, create_app

__all__ = ["DEFAULT_CONFIG", "close_app", "create_app"]
