"""Built bots kept on disk: the same replies, rebuilt whenever what they were built from changes."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

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
