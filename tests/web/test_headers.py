"""Security headers on every response, and CORS only for the allowed origins."""

from __future__ import annotations

import re

import pytest

from adapters.web.headers import normalize_origin

ALLOWED = "https://program.example.edu"
PREFLIGHT = {"Access-Control-Request-Method": "POST",
             "Access-Control-Request-Headers": "content-type"}


@pytest.fixture
def cors_client(make_app):
    return make_app(ALLOWED_ORIGINS=[ALLOWED + "/", "http://localhost:5000"]).test_client()


@pytest.mark.parametrize("method, path", [
    ("get", "/"), ("get", "/widget.js"), ("get", "/widget.css"), ("get", "/healthz"),
    ("get", "/api/topics"), ("post", "/api/chat"), ("get", "/nope"), ("get", "/api/chat"),
])
def test_every_response_has_the_security_headers(client, method, path):
    response = getattr(client, method)(path, json={"message": "hi"} if method == "post" else None)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_the_demo_page_allows_only_its_own_scripts_styles_and_api(client):
    response = client.get("/")
    assert response.status_code == 200 and response.mimetype == "text/html"
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'none'"
    for name in ("script-src", "style-src", "connect-src"):
        assert directives[name] == "'self'"
    assert b"<style" not in response.data and b"style=" not in response.data
    assert b"<script>" not in response.data and not re.search(rb"\son\w+\s*=", response.data)


def test_json_responses_allow_nothing_to_load(client):
    policy = client.get("/healthz").headers["Content-Security-Policy"]
    assert policy.startswith("default-src 'none';")


def test_frame_ancestors_is_configurable(make_app):
    client = make_app(FRAME_ANCESTORS="https://portal.example.org").test_client()
    for path in ("/", "/healthz"):
        policy = client.get(path).headers["Content-Security-Policy"]
        assert policy.endswith("frame-ancestors https://portal.example.org")


def test_api_answers_are_not_cached(client):
    assert client.get("/api/topics").headers["Cache-Control"] == "no-store"
    assert "Origin" in client.get("/api/topics").headers["Vary"]


def test_an_allowed_origin_may_call_the_api(cors_client):
    response = cors_client.post("/api/chat", json={"message": "hi"}, headers={"Origin": ALLOWED})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "Retry-After" in response.headers["Access-Control-Expose-Headers"]


def test_an_allowed_origins_preflight_is_answered(cors_client):
    response = cors_client.options("/api/chat", headers={"Origin": ALLOWED, **PREFLIGHT})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert response.headers["Access-Control-Allow-Headers"].lower() == "content-type"
    assert int(response.headers["Access-Control-Max-Age"]) > 0


@pytest.mark.parametrize("origin", ["https://evil.example.com", "http://program.example.edu",
                                    "https://program.example.edu.evil.com", "null"])
def test_other_origins_get_no_cors_headers(cors_client, origin):
    for response in (
        cors_client.options("/api/chat", headers={"Origin": origin, **PREFLIGHT}),
        cors_client.post("/api/chat", json={"message": "hi"}, headers={"Origin": origin}),
    ):
        assert "Access-Control-Allow-Origin" not in response.headers
        assert "Access-Control-Allow-Methods" not in response.headers


def test_by_default_no_other_site_may_call_the_api(client):
    response = client.post("/api/chat", json={"message": "hi"}, headers={"Origin": ALLOWED})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_a_star_allows_every_origin(make_app):
    client = make_app(ALLOWED_ORIGINS="*").test_client()
    response = client.get("/api/topics", headers={"Origin": "https://anyone.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "https://anyone.example"


def test_cors_headers_are_only_on_the_api(cors_client):
    response = cors_client.get("/healthz", headers={"Origin": ALLOWED})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_origins_are_compared_as_browsers_send_them():
    assert normalize_origin(" HTTPS://Program.Example.edu/ ") == "https://program.example.edu"
    for bad in ("program.example.edu", "ftp://x.org", "https://x.org/path", "https://"):
        with pytest.raises(ValueError, match="allowed origin"):
            normalize_origin(bad)
