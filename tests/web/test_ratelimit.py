"""Per-client rate limiting, driven by a clock moved by hand (no sleeping)."""

from __future__ import annotations

import pytest

from adapters.web.ratelimit import Rate, RateLimiter


@pytest.mark.parametrize("text, rate", [
    ("30/minute", Rate(30, 60.0)), ("5 per second", Rate(5, 1.0)),
    ("1000/hours", Rate(1000, 3600.0)), ("30", Rate(30, 60.0)), (" 2/Minute ", Rate(2, 60.0)),
])
def test_rates_are_read_from_text(text, rate):
    assert Rate.parse(text) == rate


@pytest.mark.parametrize("text", ["", "0/minute", "-1/minute", "ten/minute", "5/day", "5/"])
def test_a_malformed_rate_is_refused_saying_what_is_expected(text):
    with pytest.raises(ValueError, match="N/minute"):
        Rate.parse(text)


def test_a_client_gets_its_burst_then_waits_for_the_bucket_to_refill(clock):
    limiter = RateLimiter(Rate(3, 60.0), clock=clock)
    assert [limiter.acquire("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.acquire("a") == pytest.approx(20.0)
    clock.advance(19.9)
    assert limiter.acquire("a") > 0
    clock.advance(0.2)
    assert limiter.acquire("a") == 0.0


def test_refused_requests_do_not_use_up_the_bucket(clock):
    limiter = RateLimiter(Rate(1, 10.0), clock=clock)
    limiter.acquire("a")
    for _ in range(5):
        assert limiter.acquire("a") == pytest.approx(10.0)
    clock.advance(10.0)
    assert limiter.acquire("a") == 0.0


def test_clients_are_limited_separately(clock):
    limiter = RateLimiter(Rate(1, 60.0), clock=clock)
    assert limiter.acquire("a") == 0.0
    assert limiter.acquire("a") > 0
    assert limiter.acquire("b") == 0.0


def test_memory_stays_bounded_by_forgetting_the_least_recent_client(clock):
    limiter = RateLimiter(Rate(1, 60.0), clock=clock, max_clients=100)
    limiter.acquire("first")
    for number in range(10_000):
        limiter.acquire(f"client-{number}")
        if number == 5_000:
            limiter.acquire("first")  # seen again: forgotten later than the others
    assert len(limiter) == 100
    assert limiter.acquire("client-9999") > 0  # still remembered


def test_the_api_answers_429_with_retry_after_past_the_limit(make_app, clock):
    client = make_app(RATE_LIMIT="2/minute", RATE_LIMIT_CLOCK=clock).test_client()
    for _ in range(2):
        assert client.post("/api/chat", json={"message": "hi"}).status_code == 200
    response = client.post("/api/chat", json={"message": "hi"})
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "30"
    assert "2 per minute" in response.get_json()["error"]
    assert client.post("/api/feedback", json={"reply_id": "x", "helpful": True}).status_code == 429
    clock.advance(30)
    assert client.post("/api/chat", json={"message": "hi"}).status_code == 200


def test_reading_endpoints_are_not_limited(make_app, clock):
    client = make_app(RATE_LIMIT="1/minute", RATE_LIMIT_CLOCK=clock).test_client()
    client.post("/api/chat", json={"message": "hi"})
    for path in ("/api/topics", "/healthz", "/", "/widget.js"):
        assert client.get(path).status_code == 200
    assert client.options("/api/chat").status_code == 200


def test_each_client_address_has_its_own_limit(make_app, clock):
    client = make_app(RATE_LIMIT="1/minute", RATE_LIMIT_CLOCK=clock).test_client()
    for address, status in (("10.0.0.1", 200), ("10.0.0.1", 429), ("10.0.0.2", 200)):
        response = client.post("/api/chat", json={"message": "hi"},
                               environ_base={"REMOTE_ADDR": address})
        assert response.status_code == status


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(make_app, clock):
    client = make_app(RATE_LIMIT="1/minute", RATE_LIMIT_CLOCK=clock, PROXY_COUNT=1).test_client()
    for forwarded, status in (("198.51.100.1", 200), ("198.51.100.1", 429), ("198.51.100.2", 200)):
        response = client.post("/api/chat", json={"message": "hi"},
                               headers={"X-Forwarded-For": forwarded})
        assert response.status_code == status


def test_without_a_trusted_proxy_a_forwarded_address_is_ignored(make_app, clock):
    client = make_app(RATE_LIMIT="1/minute", RATE_LIMIT_CLOCK=clock).test_client()
    client.post("/api/chat", json={"message": "hi"}, headers={"X-Forwarded-For": "192.0.2.1"})
    response = client.post("/api/chat", json={"message": "hi"},
                           headers={"X-Forwarded-For": "192.0.2.2"})
    assert response.status_code == 429
