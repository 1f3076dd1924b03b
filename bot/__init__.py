"""The HPM careers FAQ bot: the core every face (web, Slack, command line) calls.

>>> from bot import Bot
>>> bot = Bot.from_path()                      # the shipped knowledge base
>>> reply = bot.reply("session-1", "how long is the hpm fellowship?")
>>> str(reply.kind), reply.id          # kind: a ReplyKind, a str enum
('answer', 'fellowship-length')
"""

from bot.engine import MAX_QUESTION_CHARS, Bot, Candidate
from bot.knowledge import KnowledgeBase, KnowledgeError, load_knowledge
from bot.matcher import Scoring
from bot.policy import Policy
from bot.reply import Reply, Suggestion

__all__ = [
    "MAX_QUESTION_CHARS",
    "Bot",
    "Candidate",
    "KnowledgeBase",
    "KnowledgeError",
    "Policy",
    "Reply",
    "Scoring",
    "Suggestion",
    "load_knowledge",
]
