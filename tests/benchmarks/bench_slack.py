"""What the Slack face adds to the core's time per message (a benchmark, not a test).

    python tests/benchmarks/bench_slack.py [--events 1000]

Sends ``--events`` signed ``app_mention`` events (HMAC-SHA256, as Slack signs them) through
the real ``POST /slack/events`` endpoint of a Flask app, with Slack's Web API played by the
tests' stand-in, a real HTTP server on loopback. Questions cycle through
``../shared/eval/dev.tsv`` (or the knowledge base's own questions), each in a fresh thread.
Prints, per event, the median and p95 of:

- core: ``Bot.reply`` alone, for the same questions in fresh sessions;
- end to end: signature check, bolt, ``Bot.reply``, the question log (SQLite) and the
  ``chat.postMessage`` round trip to the stand-in, run in the request's thread;
- acknowledgement: what Slack waits for in production, where the answer is posted from a
  thread pool after the 200;
- one bare ``chat.postMessage`` call to the stand-in, the share of the Web API round trip.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from slack_sdk import WebClient  # noqa: E402

from adapters.log import QuestionLog  # noqa: E402
from adapters.slack.http import EVENTS_PATH, create_blueprint  # noqa: E402
from bot import Bot  # noqa: E402
from tests.slack.standin import (  # noqa: E402
    BOT_TOKEN,
    SIGNING_SECRET,
    InlineExecutor,
    SlackStandIn,
    event_body,
    http_body,
    mention,
    signed_headers,
)


def questions(bot: Bot, count: int) -> list[str]:
    dev = ROOT.parent / "shared" / "eval" / "dev.tsv"
    if dev.exists():
        pool = [line.split("\t", 1)[1] for line in dev.read_text().splitlines() if "\t" in line]
    else:
        pool = [entry.question for entry in bot.knowledge.entries]
    return [pool[i % len(pool)] for i in range(count)]


def signed_events(asked: list[str], run: str) -> list[tuple[str, dict[str, str]]]:
    """Every request ready to send (signing is Slack's work, so it is not timed)."""
    requests = []
    for number, question in enumerate(asked):
        event = mention(question, user=f"U{run}{number}", channel="CBENCH")
        body, content_type = http_body(event_body(event))
        requests.append((body, signed_headers(body, content_type=content_type)))
    return requests


def through_endpoint(bot: Bot, standin: SlackStandIn, asked: list[str], *, inline: bool,
                     run: str) -> list[float]:
    """Seconds per event, posted one after another through the Flask endpoint."""
    pool = None if inline else ThreadPoolExecutor(max_workers=5)
    with tempfile.TemporaryDirectory() as folder:
        log = QuestionLog(Path(folder) / "questions.sqlite3")
        app = Flask(__name__)
        app.register_blueprint(create_blueprint(
            bot=bot, log=log, bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET,
            api_url=standin.url, listener_executor=InlineExecutor() if inline else pool))
        client = app.test_client()
        times = []
        for body, headers in signed_events(asked, run):
            started = time.perf_counter()
            response = client.post(EVENTS_PATH, data=body, headers=headers)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
        if pool is not None:
            pool.shutdown(wait=True)
        log.close()
    return times


def core(bot: Bot, asked: list[str]) -> list[float]:
    times = []
    for number, question in enumerate(asked):
        started = time.perf_counter()
        bot.reply(f"bench-core-{number}", question)
        times.append(time.perf_counter() - started)
    return times


def web_api_call(standin: SlackStandIn, count: int) -> list[float]:
    client = WebClient(token=BOT_TOKEN, base_url=standin.url)
    times = []
    for _ in range(count):
        started = time.perf_counter()
        client.chat_postMessage(channel="CBENCH", text="round trip")
        times.append(time.perf_counter() - started)
    return times


def row(name: str, times: list[float]) -> str:
    p95 = statistics.quantiles(times, n=20)[-1]
    return f"{name:<42} {statistics.median(times) * 1000:8.3f} {p95 * 1000:8.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1000)
    args = parser.parse_args()
    bot = Bot.from_path()
    asked = questions(bot, args.events)
    standin = SlackStandIn().start()
    try:
        core(bot, asked[:50])  # warm up
        reply_times = core(bot, asked)
        end_to_end = through_endpoint(bot, standin, asked, inline=True, run="a")
        posted = len(standin.of("chat.postMessage"))
        acknowledged = through_endpoint(bot, standin, asked, inline=False, run="b")
        answered = len(standin.of("chat.postMessage"))
        round_trips = web_api_call(standin, 200)
    finally:
        standin.stop()
    assert posted == args.events and answered == 2 * args.events, (posted, answered)

    print(f"{args.events} signed app_mention events through POST {EVENTS_PATH}, "
          f"Web API on a loopback stand-in; every one answered")
    print(f"{'per event (ms)':<42} {'median':>8} {'p95':>8}")
    print(row("core: Bot.reply alone", reply_times))
    print(row("Slack face, end to end (answer posted)", end_to_end))
    print(row("Slack face, until Slack is acknowledged", acknowledged))
    print(row("one chat.postMessage call to the stand-in", round_trips))
    added = statistics.median(end_to_end) - statistics.median(reply_times)
    print(f"the Slack face adds {added * 1000:.3f} ms to the core's median per message "
          f"(end to end, including the SQLite log and the Web API round trip)")


if __name__ == "__main__":
    main()
