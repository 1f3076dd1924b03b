"""Built bots kept on disk between runs of the command line, so that ``faqbot`` starts fast.

Each run would otherwise read the knowledge base and build its index again. A built bot is
stored under a key made of everything it was built from (the knowledge base's files, the
bot's own code, the Python version), so any change to them gives a new key. The cache only
ever saves time: a file that cannot be read or written is ignored, and the bot is built.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

from bot.engine import Bot
from bot.knowledge import DEFAULT_KNOWLEDGE

FORMAT = 1
KEEP = 8
"""How many built bots a cache folder keeps (the most recently used)."""
_CODE = Path(__file__).resolve().parent


def cache_directory(environ: Mapping[str, str]) -> Path | None:
    """``FAQBOT_CACHE_DIR`` (empty: no cache), else ``$XDG_CACHE_HOME/faqbot``, else
    ``~/.cache/faqbot``."""
    chosen = environ.get("FAQBOT_CACHE_DIR")
    if chosen is not None:
        return Path(chosen) if chosen.strip() else None
    base = environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "faqbot"


def load_bot(path: str | Path | None, *, directory: Path | None) -> Bot:
    """The bot for the knowledge base at ``path`` (default: the shipped one), from the cache
    in ``directory`` when it holds one built from the same files, else built (and stored)."""
    if directory is None:
        return Bot.from_path(path)
    try:
        stored = directory / f"bot-{_key(Path(path) if path is not None else DEFAULT_KNOWLEDGE)}.pickle"
    except OSError:  # no such knowledge base, say: building it says what is wrong
        return Bot.from_path(path)
    try:
        with stored.open("rb") as handle:
            bot = pickle.load(handle)
        if isinstance(bot, Bot):
            os.utime(stored)  # recently used: kept when the folder is pruned
            return bot
    except FileNotFoundError:
        pass
    except Exception:  # a damaged or foreign file: build anew and replace it
        pass
    bot = Bot.from_path(path)
    _store(bot, stored)
    return bot


def _key(knowledge: Path) -> str:
    """A digest of what a bot is built from: knowledge files, code, format, Python."""
    digest = hashlib.sha256(f"{FORMAT}\0{sys.version}\0{knowledge.resolve()}\0".encode())
    files = (sorted(p for p in knowledge.rglob("*") if p.suffix in {".yaml", ".yml", ".json"})
             if knowledge.is_dir() else [knowledge])
    for path in [*files, *sorted(_CODE.glob("*.py"))]:
        digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def _store(bot: Bot, stored: Path) -> None:
    """Write ``bot`` to ``stored`` whole or not at all, and keep the folder small."""
    try:
        stored.parent.mkdir(parents=True, exist_ok=True)
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
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        pass  # a read-only home, a full disk, a clock that cannot be pickled: no cache
