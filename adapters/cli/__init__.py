"""The command-line face: ``faqbot`` ask / chat / check / eval / export, and the plugin hook
through which the other faces add serve, slack and report."""

from adapters.cli.main import CliContext, format_reply, main

__all__ = ["CliContext", "format_reply", "main"]
