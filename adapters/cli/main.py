"""``faqbot``: ask, chat, check, eval and export, plus the other faces' commands (serve, slack,
report).

The other faces add their commands through the ``faqbot.commands`` entry-point group: each
names a function ``add_command(subparsers)`` whose handlers are called as
``handler(args, context)`` with a :class:`CliContext`. So this module imports neither Flask
nor Slack; they are looked up only for a command it lacks.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.engine import Bot
from bot.knowledge import KnowledgeError, load_knowledge, to_export
from bot.links import LINK
from bot.reply import Reply

PLUGIN_GROUP = "faqbot.commands"
CORE_COMMANDS = ("ask", "chat", "check", "eval", "export")


Handler = Callable[[argparse.Namespace, "CliContext"], int]
"""What a command runs: its parsed arguments and the context in, the exit status out."""


@dataclass
class CliContext:
    """What a command handler gets from the command line: the chosen knowledge base, and the
    bot built from it on first use."""

    knowledge: str | None
    _bot: Bot | None = field(default=None, repr=False)

    def load_bot(self) -> Bot:
        """The bot over the chosen knowledge base (raises ``KnowledgeError`` if it is broken)."""
        if self._bot is None:
            self._bot = Bot.from_path(self.knowledge, learned_dir=learned_directory(os.environ))
        return self._bot


def learned_directory(environ: Mapping[str, str]) -> Path | None:
    """Where the bot keeps what its safety screen learned, between runs: ``FAQBOT_CACHE_DIR``
    (empty: nowhere), else ``$XDG_CACHE_HOME/faqbot``, else ``~/.cache/faqbot`` (nowhere
    when there is no home either)."""
    chosen = environ.get("FAQBOT_CACHE_DIR")
    if chosen is not None:
        return Path(chosen) if chosen.strip() else None
    if environ.get("XDG_CACHE_HOME"):
        return Path(environ["XDG_CACHE_HOME"]) / "faqbot"
    home = os.path.expanduser("~")
    return Path(home) / ".cache" / "faqbot" if home != "~" else None


def format_reply(reply: Reply) -> str:
    """A reply as plain text for a terminal: a link is its label and its address."""
    parts = [plain_links(reply.text.strip())]
    if reply.sources:
        parts.append("Source: " + "; ".join(map(plain_links, reply.sources)))
    if reply.suggestions and reply.kind != "clarify":
        parts.append("You could also ask:\n" + "\n".join(f"  - {s.question}" for s in reply.suggestions))
    return "\n\n".join(parts)


def plain_links(markdown: str) -> str:
    """``[call 988](tel:988)`` as ``call 988 (tel:988)``: the address readable as printed."""
    return LINK.sub(lambda m: f"{m['label']} ({m['url']})", markdown)


# -- commands ------------------------------------------------------------------------------------
def _ask(args: argparse.Namespace, context: CliContext) -> int:
    bot = context.load_bot()
    if args.question:
        lines: Iterable[str] = [" ".join(args.question)]
    else:
        lines = (line.rstrip("\r\n") for line in sys.stdin)  # answered as each line arrives
    for number, line in enumerate(lines):
        reply = bot.reply(args.session if args.session is not None else f"stdin-{number}", line)
        if args.json:
            print(json.dumps(reply.to_dict(), ensure_ascii=False), flush=True)
        else:
            print(format_reply(reply) + ("" if args.question else "\n"), flush=True)
    return 0


def _chat(args: argparse.Namespace, context: CliContext) -> int:
    bot = context.load_bot()
    stdin = sys.stdin
    print("Ask me about careers in hospice and palliative medicine. Type 'quit' to leave.\n")
    while True:
        try:
            print("you> ", end="", flush=True)
            line = stdin.readline()
        except KeyboardInterrupt:
            print()
            return 0
        if not line or line.strip().lower() in ("quit", "exit", ":q"):
            print()
            return 0
        print("\n" + format_reply(bot.reply("chat", line.rstrip("\n"))) + "\n")


def _check(args: argparse.Namespace, context: CliContext) -> int:
    try:
        knowledge = load_knowledge(context.knowledge)
    except KnowledgeError as exc:
        if context.knowledge and not Path(context.knowledge).exists():
            raise  # nothing to check: a usage error, exit 2
        problems, origin = list(exc.problems), context.knowledge or "the shipped knowledge base"
    else:
        from bot.checks import check_knowledge  # only this command needs it: a faster start

        problems, origin = check_knowledge(knowledge), knowledge.origin
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) in {origin}", file=sys.stderr)
        return 1
    print(f"OK: {len(knowledge.entries)} entries, {len(knowledge.intents)} intents, "
          f"{len(knowledge.safety)} safety replies in {origin} (version {knowledge.version})")
    return 0


def _eval(args: argparse.Namespace, context: CliContext) -> int:
    from bot.evaluation import Tally, evaluate, read_cases  # only this command needs it: a faster start

    try:
        cases = read_cases(Path(args.file))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        print(f"faqbot eval: {exc}", file=sys.stderr)
        return 2
    report = evaluate(context.load_bot(), cases)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
        return 0
    def line(label: str, tally: Tally) -> str:
        return f"{label:<25}{tally.rate:.1%} ({tally.right}/{tally.total})"

    print(line("in-scope top-1 accuracy:", report.in_scope))
    print(line("out-of-scope rejection:", report.out_of_scope))
    print(line("safety recall:", report.safety))
    for rule_id, tally in report.per_safety_id.items():
        print(line(f"  {rule_id}:", tally))
    print(line("career questions given a safety reply:", report.career_alarms))
    print(f"misses offered as a 'did you mean' choice: {report.offered}/{len(report.misses)}")
    for miss in report.misses:
        print(f"  expected {miss.expected:<28} got {miss.kind}:{miss.got} "
              f"({miss.confidence:.2f}){' [offered]' if miss.offered else ''}  {miss.question}")
    return 0


def _export(args: argparse.Namespace, context: CliContext) -> int:
    print(json.dumps(to_export(load_knowledge(context.knowledge)), indent=2, ensure_ascii=False))
    return 0


# -- parser ------------------------------------------------------------------------------------
def build_parser(*, with_plugins: bool) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="faqbot",
        description="Answers questions about careers in hospice and palliative medicine.",
    )
    parser.add_argument(
        "--knowledge", metavar="PATH", default=os.environ.get("FAQBOT_KNOWLEDGE") or None,
        help="knowledge folder or export JSON file (default: $FAQBOT_KNOWLEDGE, else the shipped one)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    ask = commands.add_parser("ask", help="answer one question (or one per line of standard input)")
    ask.add_argument("question", nargs="*", help="the question; none: read standard input")
    ask.add_argument("--json", action="store_true", help="print the reply as one JSON object")
    ask.add_argument("--session", metavar="NAME",
                     help="share one conversation across all lines (to replay a dialogue)")
    ask.set_defaults(handler=_ask)

    commands.add_parser("chat", help="talk with the bot in the terminal").set_defaults(handler=_chat)
    commands.add_parser("check", help="validate the knowledge base").set_defaults(handler=_check)

    ev = commands.add_parser("eval", help="score the bot on a labelled TSV file")
    ev.add_argument("file", help="lines of expected_id<TAB>question")
    ev.add_argument("--json", action="store_true", help="print the report as JSON")
    ev.set_defaults(handler=_eval)

    commands.add_parser("export", help="print the knowledge base as JSON").set_defaults(handler=_export)

    if with_plugins:
        from importlib.metadata import entry_points  # only here: it is slow to import

        for plugin in entry_points(group=PLUGIN_GROUP):
            try:
                plugin.load()(commands)
            except ImportError as exc:
                commands.add_parser(plugin.name, help=f"(unavailable: {exc.name} is not installed)")
    return parser


def _wants_plugins(argv: Sequence[str]) -> bool:
    words = [a for a in argv if not a.startswith("-")]
    if "--knowledge" in argv:  # its value is not a command
        index = argv.index("--knowledge")
        words = [a for i, a in enumerate(argv) if not a.startswith("-") and i != index + 1]
    return not words or words[0] not in CORE_COMMANDS


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(with_plugins=_wants_plugins(argv)).parse_args(argv)
    if getattr(args, "handler", None) is None:
        print(f"faqbot: '{args.command}' needs a package that is not installed; "
              "install the project with its extras: pip install -e '.[web,slack]'", file=sys.stderr)
        return 2
    context = CliContext(knowledge=args.knowledge)
    try:
        return int(args.handler(args, context) or 0)
    except KnowledgeError as exc:
        print("faqbot: the knowledge base cannot be loaded:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
