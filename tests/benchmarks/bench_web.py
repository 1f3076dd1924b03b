"""Benchmark of the web face on its production server (not a test; run it by hand).

    python tests/benchmarks/bench_web.py [--requests 100000] [--connections 32]

Starts ``faqbot serve`` (waitress) in a subprocess on a free loopback port with the rate limit
raised and the question log on, then loads it with Debian's ``wrk`` (or, where wrk is absent,
a bounded Python client): first ``GET /healthz``, a trivial JSON endpoint of the same server,
as the ceiling, then ``POST /api/chat`` with a mix of questions and no session (so each request
opens a new conversation). Prints requests per second for both and their ratio, p50 and p99
latency, errors, and the server's resident memory before and after the chat requests; exits 1
when a target is missed: ratio >= 0.7, p99 <= 25 ms, no errors, memory flat.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = [
    "how long is the hpm fellowship?",
    "where do palliative doctors work",
    "can I do hpm after family medicine",
    "is aahpm membership free for residents",
    "what is the difference between hospice and palliative care",
    "hi",
    "how do I apply to a visa sponsoring program in cardiology",  # a fallback
    "work",  # a "did you mean"
]
TARGET_RATIO, TARGET_P99_MS, TARGET_GROWTH_MB = 0.7, 25.0, 5.0
# `faqbot serve` as the core's command line runs it, whether or not the project is installed.
SERVE = textwrap.dedent("""
    import argparse, sys
    from types import SimpleNamespace
    from adapters.web.cli import add_command
    from bot import Bot
    parser = argparse.ArgumentParser()
    add_command(parser.add_subparsers())
    args = parser.parse_args(["serve", *sys.argv[1:]])
    sys.exit(args.handler(args, SimpleNamespace(load_bot=Bot.from_path)))
""")
WRK_SCRIPT = """
local requests, next_request = {}, 0

function init(args)
  local method, path = args[1], args[2]
  for i = 3, #args do
    requests[#requests + 1] = wrk.format(method, path,
      {["Content-Type"] = "application/json"}, args[i] ~= "" and args[i] or nil)
  end
end

function request()
  next_request = next_request % #requests + 1
  return requests[next_request]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %f, "p50_ms": %f, "p99_ms": %f, "errors": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(99) / 1e3, e.connect + e.read + e.write + e.status + e.timeout))
end
"""


@dataclass(frozen=True)
class Load:
    """The outcome of one load run."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


def chat_body(question: str) -> str:
    return json.dumps({"message": question})


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc")


def run_wrk(url: str, method: str, bodies: list[str], *, seconds: float,
            connections: int) -> Load:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        # One wrk thread: it shares this machine's cores with the server, and keeps up.
        result = subprocess.run(
            ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds:.0f}s", "--timeout", "5s",
             "-s", script.name, url, "--", method, "/" + url.split("/", 3)[3], *bodies],
            capture_output=True, text=True, check=True,
        )
    finally:
        os.unlink(script.name)
    line = next(line for line in result.stdout.splitlines() if line.startswith("RESULT "))
    return Load(**json.loads(line.removeprefix("RESULT ")))


def load_with_wrk(url: str, method: str, bodies: list[str], *, total: int,
                  connections: int) -> Load:
    """About ``total`` requests or more: wrk runs for a time, so a short probe sets it."""
    probe = run_wrk(url, method, bodies, seconds=3, connections=connections)
    seconds = max(3.0, 1.3 * total / probe.rate)
    return run_wrk(url, method, bodies, seconds=seconds, connections=connections)


def load_with_python(url: str, method: str, bodies: list[str], *, total: int,
                     connections: int) -> Load:
    host, port = url.split("/")[2].split(":")
    path = "/" + url.split("/", 3)[3]
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    remaining = iter(range(total))

    def client() -> None:
        nonlocal errors
        connection = http.client.HTTPConnection(host, int(port), timeout=5)
        mine, failed = [], 0
        for number in remaining:  # the shared iterator bounds the total
            body = bodies[number % len(bodies)] or None
            start = time.perf_counter()
            try:
                connection.request(method, path, body=body,
                                   headers={"Content-Type": "application/json"})
                response = connection.getresponse()
                response.read()
                failed += response.status >= 400
            except OSError:
                failed += 1
                connection.close()
            mine.append(time.perf_counter() - start)
        with lock:
            latencies.extend(mine)
            errors += failed

    workers = [threading.Thread(target=client) for _ in range(connections)]
    start = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    seconds = time.perf_counter() - start
    cuts = statistics.quantiles(latencies, n=100)
    return Load(len(latencies), seconds, cuts[49] * 1e3, cuts[98] * 1e3, errors)


def start_server(port: int, log_path: Path, threads: int) -> subprocess.Popen[str]:
    environment = {**os.environ, "FAQBOT_RATE_LIMIT": "1000000/second",
                   "FAQBOT_LOG_PATH": str(log_path), "FAQBOT_THREADS": str(threads)}
    server = subprocess.Popen(
        [sys.executable, "-c", SERVE, "--port", str(port)], cwd=ROOT, env=environment,
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    line = server.stdout.readline()
    if not line.startswith("Serving"):
        server.kill()
        raise SystemExit(f"the server did not start: {line!r}")
    return server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=100_000,
                        help="requests per measured run (default: 100000)")
    parser.add_argument("--connections", type=int, default=32, help="concurrent connections")
    parser.add_argument("--threads", type=int, default=4, help="waitress threads (default: 4)")
    parser.add_argument("--python-client", action="store_true",
                        help="load with the Python client even where wrk is installed")
    options = parser.parse_args()
    use_wrk = shutil.which("wrk") is not None and not options.python_client
    load = load_with_wrk if use_wrk else load_with_python
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    chat_bodies = [chat_body(question) for question in QUESTIONS]

    with tempfile.TemporaryDirectory() as scratch:
        server = start_server(port, Path(scratch) / "questions.sqlite3", options.threads)
        try:
            # Warm up until the bounded state (sessions, caches) is full, then measure.
            load(f"{base}/api/chat", "POST", chat_bodies, total=20_000,
                 connections=options.connections)
            ceiling = load(f"{base}/healthz", "GET", [""], total=options.requests,
                           connections=options.connections)
            before = rss_mb(server.pid)
            chat = load(f"{base}/api/chat", "POST", chat_bodies, total=options.requests,
                        connections=options.connections)
            after = rss_mb(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)

    ratio = chat.rate / ceiling.rate
    print(f"web face on waitress ({options.threads} threads), 127.0.0.1, loaded by "
          f"{'wrk' if use_wrk else 'the Python client'} with {options.connections} connections")
    print(f"{'endpoint':<16}{'requests':>10}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for name, run in (("GET /healthz", ceiling), ("POST /api/chat", chat)):
        print(f"{name:<16}{run.requests:>10}{run.rate:>10.0f}{run.p50_ms:>9.2f}"
              f"{run.p99_ms:>9.2f}{run.errors:>8}")
    checks = [
        (f"chat / ceiling ratio {ratio:.2f}", f">= {TARGET_RATIO}", ratio >= TARGET_RATIO),
        (f"chat p99 {chat.p99_ms:.2f} ms", f"<= {TARGET_P99_MS:g} ms",
         chat.p99_ms <= TARGET_P99_MS),
        (f"errors {ceiling.errors + chat.errors}", "= 0", ceiling.errors + chat.errors == 0),
        (f"server RSS {before:.1f} MB before and {after:.1f} MB after {chat.requests} chat "
         f"requests ({after - before:+.1f} MB)", f"growth <= {TARGET_GROWTH_MB:g} MB",
         after - before <= TARGET_GROWTH_MB),
    ]
    for measured, target, met in checks:
        print(f"{measured}  (target {target}: {'met' if met else 'MISSED'})")
    return 0 if all(met for *_, met in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
