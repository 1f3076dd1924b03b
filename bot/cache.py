"""Built bots kept on disk between runs of the command line, so that ``faqbot`` starts fast.

Each run would otherwise read the knowledge base and build its index again. A built bot is
stored under a key made of everything it was built from (the knowledge base's files, the
bot's own code, the libraries that shape its index, the Python that runs it), so any change
to them gives a new key. The cache only ever saves time: a file that cannot be read or
written is ignored, and the bot is built. Files are read only from a folder that belongs to
the user and that no one else can write to (a pickle runs code when it is read).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import stat
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

import rapidfuzz
import Stemmer

from bot.engine import Bot
from bot.knowledge import DEFAULT_KNOWLEDGE, source_files

FORMAT = 2
KEEP = 8
"""How many built bots a cache folder keeps (the most recently used)."""
_CODE = Path(__file__).resolve().parent
_LIBRARIES = (Stemmer, rapidfuzz)  # stems and typo lookups are built into the index
_ABANDONED_SECONDS = 3600.0  # a half-written file this old was left by a killed run


def cache_directory(environ: Mapping[str, str]) -> Path | None:
    """``FAQBOT_CACHE_DIR`` (empty: no cache), else ``$XDG_CACHE_HOME/faqbot``, else
    ``~/.cache/faqbot`` (no cache when there is no home either)."""
    chosen = environ.get("FAQBOT_CACHE_DIR")
    if chosen is not None:
        return Path(chosen) if chosen.strip() else None
    if environ.get("XDG_CACHE_HOME"):
        return Path(environ["XDG_CACHE_HOME"]) / "faqbot"
    home = os.path.expanduser("~")
    return Path(home) / ".cache" / "faqbot" if home != "~" else None


def load_bot(path: str | Path | None, *, directory: Path | None) -> Bot:
    """The bot for the knowledge base at ``path`` (default: the shipped one), from the cache
    in ``directory`` when it holds one built from the same files, else built (and stored)."""
    if directory is None:
        return Bot.from_path(path)
    try:
        stored = directory / f"bot-{_key(Path(path) if path is not None else DEFAULT_KNOWLEDGE)}.pickle"
    except OSError:  # no such knowledge base, say: building it says what is wrong
        return Bot.from_path(path)
    bot = _read(stored)
    if bot is not None:
        return bot
    bot = Bot.from_path(path)
    _store(bot, stored)
    return bot


def _key(knowledge: Path) -> str:
    """A digest of what a bot is built from: knowledge files, code, libraries, Python."""
    digest = hashlib.sha256(f"{FORMAT}\0{sys.version}\0{sys.prefix}\0{knowledge.resolve()}\0"
                            .encode())
    for library in _LIBRARIES:  # an upgrade rewrites the installed files
        found = Path(library.__file__ or "").stat()
        digest.update(f"{library.__name__}\0{found.st_size}\0{found.st_mtime_ns}\0".encode())
    for path in [*source_files(knowledge), *sorted(_CODE.glob("*.py"))]:
        digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def _private(path: Path, *, kind: int) -> bool:
    """Whether ``path`` is a ``kind`` (not a link to one) of this user that no one else can
    write to."""
    found = path.lstat()
    return (stat.S_IFMT(found.st_mode) == kind and found.st_uid == os.getuid()
            and not found.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


def _read(stored: Path) -> Bot | None:
    try:
        if not (_private(stored.parent, kind=stat.S_IFDIR) and _private(stored, kind=stat.S_IFREG)):
            return None
        with stored.open("rb") as handle:
            bot = pickle.load(handle)
    except FileNotFoundError:
        return None
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError,
            ValueError, IndexError, KeyError):
        return None  # a damaged or foreign file: built anew and replaced
    if not isinstance(bot, Bot):
        return None
    with contextlib.suppress(OSError):
        os.utime(stored)  # recently used: kept when the folder is pruned
    return bot


def _store(bot: Bot, stored: Path) -> None:
    """Write ``bot`` to ``stored`` whole or not at all, and keep the folder small."""
    try:
        stored.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=stored.parent, prefix=".bot-", delete=False) as handle:
            try:
                pickle.dump(bot, handle, protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException:
                handle.close()
                os.unlink(handle.name)
                raise
        os.replace(handle.name, stored)
        kept = sorted(stored.parent.glob("bot-*.pickle"), key=lambda p: p.stat().st_mtime,
                      reverse=True)
        for old in kept[KEEP:]:
            old.unlink(missing_ok=True)
        for abandoned in stored.parent.glob(".bot-*"):
            if abandoned.stat().st_mtime < time.time() - _ABANDONED_SECONDS:
                abandoned.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError, TypeError, AttributeError, RecursionError):
        pass  # a read-only home, a full disk, a clock that cannot be pickled: no cache
