"""Helpers the tests share: a clock moved by hand, the command line run in-process, the
project's shared data."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FAQBOT = str(Path(sys.executable).with_name("faqbot"))


class FakeClock:
    """A clock the test moves by hand: no sleeping."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def log_writers() -> int:
    """How many question logs are open in this process (each runs one writer thread)."""
    return sum(t.name == "question-log-writer" and t.is_alive() for t in threading.enumerate())


def shared_file(*parts: str) -> Path:
    """A file of ../shared, or skip the test: a user's own clone does not have it."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent (it sits beside the repository only in the project's CI)")
    return path


@dataclass(frozen=True)
class Ran:
    """What a run of ``faqbot`` left: its exit status and its output."""

    returncode: int
    stdout: str
    stderr: str


def faqbot(*args: str, stdin: str = "", env: dict[str, str] | None = None,
           cwd: Path | None = None) -> Ran:
    """``faqbot ARGS`` run in this process through ``main(argv)``, as a user runs it (the
    environment without ``FAQBOT_KNOWLEDGE`` unless ``env`` sets it)."""
    from adapters.cli import main

    environ = {k: v for k, v in os.environ.items() if k != "FAQBOT_KNOWLEDGE"} | (env or {})
    out, err = io.StringIO(), io.StringIO()
    with (mock.patch.dict(os.environ, environ, clear=True),
          mock.patch.object(sys, "stdin", io.StringIO(stdin)),
          contextlib.redirect_stdout(out), contextlib.redirect_stderr(err),
          _working_directory(cwd)):
        try:
            status = main(list(args))
        except SystemExit as exit_:  # argparse's usage errors
            status = exit_.code if isinstance(exit_.code, int) else 1
    return Ran(status, out.getvalue(), err.getvalue())


@contextlib.contextmanager
def _working_directory(path: Path | None):  # contextlib.chdir, before Python 3.11
    before = Path.cwd()
    if path is not None:
        os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def faqbot_process(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """``faqbot ARGS`` as a real process: the installed console script."""
    env = {k: v for k, v in os.environ.items() if k != "FAQBOT_KNOWLEDGE"}
    return subprocess.run([FAQBOT, *args], capture_output=True, text=True, input=stdin, env=env,
                          timeout=60)
