"""Built bots kept on disk: the same replies, rebuilt whenever what they were built from changes."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot import cache
from bot.cache import cache_directory, load_bot
from bot.engine import Bot
from bot.knowledge import DEFAULT_KNOWLEDGE

DIALOGUE = ["hi", "how do I become a palliative care doctor", "how long does it take?",
            "where do palliative doctors work", "what about with children?", "is it free?",
            "how much morphine should I give my patient", "what's the weather in Boston"]


def _built(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Records every bot built from a knowledge base (rather than read from the cache)."""
    built: list[object] = []
    real = Bot.from_path.__func__  # type: ignore[attr-defined]

    def from_path(cls: type[Bot], path: object = None, **options: object) -> Bot:
        built.append(path)
        return real(cls, path, **options)

    monkeypatch.setattr(Bot, "from_path", classmethod(from_path))
    return built


def test_a_bot_from_the_cache_answers_a_dialogue_as_a_fresh_one(tmp_path, monkeypatch):
    built = _built(monkeypatch)
    load_bot(None, directory=tmp_path)
    cached = load_bot(None, directory=tmp_path)
    assert len(built) == 1 and len(list(tmp_path.glob("bot-*.pickle"))) == 1
    fresh = Bot.from_path()
    for question in DIALOGUE:
        assert cached.reply("s", question) == fresh.reply("s", question), question


def test_a_cached_bot_starts_with_no_conversations(tmp_path):
    first = load_bot(None, directory=tmp_path)
    first.reply("s", "how do I become a palliative care doctor")
    next(tmp_path.glob("bot-*.pickle")).write_bytes(pickle.dumps(first))
    assert load_bot(None, directory=tmp_path).session_count == 0


def test_an_edited_knowledge_base_is_built_again(tmp_path, monkeypatch):
    knowledge = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE, knowledge)
    built = _built(monkeypatch)
    before = load_bot(knowledge, directory=tmp_path / "cache")
    faq = knowledge / "faq" / "training.yaml"
    old = before.knowledge.entry("fellowship-length").answer.splitlines()[0]
    faq.write_text(faq.read_text().replace(old, "Edited by a curator."))
    after = load_bot(knowledge, directory=tmp_path / "cache")
    assert len(built) == 2
    assert after.reply(None, "how long is the hpm fellowship").text.startswith("Edited by a curator.")


def test_changed_code_is_built_again(tmp_path, monkeypatch):
    code = tmp_path / "code"
    code.mkdir()
    (code / "engine.py").write_text("# one version\n")
    monkeypatch.setattr(cache, "_CODE", code)
    built = _built(monkeypatch)
    load_bot(None, directory=tmp_path / "cache")
    (code / "engine.py").write_text("# another version\n")
    load_bot(None, directory=tmp_path / "cache")
    load_bot(None, directory=tmp_path / "cache")
    assert len(built) == 2


@pytest.mark.parametrize("content", [b"", b"not a pickle", pickle.dumps({"a": "dict"})])
def test_a_damaged_cache_file_is_replaced(tmp_path, monkeypatch, content):
    load_bot(None, directory=tmp_path)
    [stored] = tmp_path.glob("bot-*.pickle")
    stored.write_bytes(content)
    built = _built(monkeypatch)
    assert load_bot(None, directory=tmp_path).reply(None, "hi").kind == "smalltalk"
    assert len(built) == 1
    assert isinstance(pickle.loads(stored.read_bytes()), Bot)


def test_a_cache_that_cannot_be_written_only_costs_time(tmp_path):
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("")
    assert load_bot(None, directory=blocked / "cache").reply(None, "hi").kind == "smalltalk"


def test_a_missing_knowledge_base_is_reported_as_without_a_cache(tmp_path):
    from bot.knowledge import KnowledgeError

    with pytest.raises(KnowledgeError, match="no such knowledge folder"):
        load_bot(tmp_path / "missing", directory=tmp_path / "cache")


def test_the_folder_keeps_the_most_recently_used_bots(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "KEEP", 2)
    for n in range(4):
        knowledge = tmp_path / f"knowledge{n}"
        shutil.copytree(DEFAULT_KNOWLEDGE, knowledge)
        load_bot(knowledge, directory=tmp_path / "cache")
    assert len(list((tmp_path / "cache").glob("bot-*.pickle"))) == 2
    assert not list((tmp_path / "cache").glob(".bot-*"))  # no half-written file left


@pytest.mark.parametrize(("environ", "expected"), [
    ({"FAQBOT_CACHE_DIR": "/somewhere"}, Path("/somewhere")),
    ({"FAQBOT_CACHE_DIR": ""}, None),
    ({"XDG_CACHE_HOME": "/xdg"}, Path("/xdg/faqbot")),
    ({"HOME": "/home/someone"}, Path("/home/someone/.cache/faqbot")),
])
def test_where_the_cache_lives(monkeypatch, environ, expected):
    monkeypatch.setenv("HOME", environ.get("HOME", "/home/someone"))
    assert cache_directory(environ) == expected


def test_a_file_others_could_have_written_is_never_read(tmp_path, monkeypatch):
    """A pickle runs code when read: only a private folder of the user's own is trusted."""
    load_bot(None, directory=tmp_path / "cache")
    (tmp_path / "cache").chmod(0o777)
    built = _built(monkeypatch)
    load_bot(None, directory=tmp_path / "cache")
    assert len(built) == 1
    (tmp_path / "cache").chmod(0o700)
    [stored] = (tmp_path / "cache").glob("bot-*.pickle")
    stored.rename(tmp_path / "elsewhere.pickle")
    stored.symlink_to(tmp_path / "elsewhere.pickle")
    load_bot(None, directory=tmp_path / "cache")
    assert len(built) == 2


def test_the_cache_folder_is_made_private(tmp_path):
    load_bot(None, directory=tmp_path / "cache")
    assert (tmp_path / "cache").stat().st_mode & 0o777 == 0o700


def test_an_edit_behind_a_linked_faq_folder_is_built_again(tmp_path, monkeypatch):
    """Found in review: the key must read the files the loader reads, links followed."""
    knowledge = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE, knowledge)
    shutil.move(knowledge / "faq", tmp_path / "faq-elsewhere")
    (knowledge / "faq").symlink_to(tmp_path / "faq-elsewhere")
    built = _built(monkeypatch)
    load_bot(knowledge, directory=tmp_path / "cache")
    faq = tmp_path / "faq-elsewhere" / "training.yaml"
    faq.write_text(faq.read_text() + "\n# a curator's note\n")
    load_bot(knowledge, directory=tmp_path / "cache")
    assert len(built) == 2


def test_an_upgraded_library_is_built_again(tmp_path, monkeypatch):
    """Stems and typo lookups are built into the index: a new PyStemmer means a new key."""
    library = tmp_path / "library.py"
    library.write_text("# version one\n")
    monkeypatch.setattr(cache, "_LIBRARIES", (SimpleNamespace(__file__=str(library),
                                                              __name__="library"),))
    built = _built(monkeypatch)
    load_bot(None, directory=tmp_path / "cache")
    library.write_text("# version two, longer\n")
    load_bot(None, directory=tmp_path / "cache")
    assert len(built) == 2


def test_no_home_means_no_cache(monkeypatch):
    monkeypatch.setattr(os.path, "expanduser", lambda path: path)
    assert cache_directory({}) is None
