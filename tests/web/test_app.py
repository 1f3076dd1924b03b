"""The application factory: the widget's files, the demo page, and Slack only when configured."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.helpers import log_writers

ROOT = Path(__file__).resolve().parents[2]


def test_the_widget_files_are_served_with_their_types_and_a_short_cache(client):
    for path, mimetype in (("/widget.js", "text/javascript"), ("/widget.css", "text/css"),
                           ("/demo.css", "text/css")):
        response = client.get(path)
        assert response.status_code == 200 and response.mimetype == mimetype
        assert response.cache_control.max_age == 300


def test_the_widget_builds_the_page_from_text_nodes_only():
    source = (ROOT / "adapters/web/static/widget.js").read_text()
    for unsafe in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                   "new Function", ".style."):
        assert unsafe not in source
    assert "http://" not in source.replace("http://www.w3.org/2000/svg", "")
    # Nothing is loaded from elsewhere: the one address is the "talk to a person" link's default.
    assert "https://" not in source.replace("https://YOUR-BOT-HOST", "").replace(
        'url: "https://aahpm.org/"', "")


def test_the_demo_page_embeds_the_widget_with_one_deferred_script(client):
    page = client.get("/").get_data(as_text=True)
    assert page.count("<script") == 1
    assert '<script src="/widget.js" defer></script>' in page
    assert '&lt;script src="http://localhost/widget.js" defer&gt;&lt;/script&gt;' in page


def test_without_slack_settings_there_is_no_slack_endpoint_and_no_slack_import():
    code = textwrap.dedent("""
        import sys
        from adapters.web import create_app
        app = create_app(config={"LOG_ENABLED": False})
        assert app.test_client().post("/slack/events").status_code == 404
        print(sorted(m for m in sys.modules if m.startswith(("slack", "adapters.slack"))))
    """)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, check=True)
    assert result.stdout.strip() == "[]"


def test_with_both_slack_settings_the_slack_blueprint_is_built_from_them(make_app):
    # A malformed secret is refused by the Slack face itself: proof that it was handed over.
    with pytest.raises(ValueError, match="SLACK_SIGNING_SECRET"):
        make_app(SLACK_BOT_TOKEN="xoxb-123-456-abc", SLACK_SIGNING_SECRET="not hex!")


@pytest.mark.parametrize("given, missing", [
    ({"SLACK_BOT_TOKEN": "xoxb-123-456-abc"}, "SLACK_SIGNING_SECRET"),
    ({"SLACK_SIGNING_SECRET": "cafe"}, "SLACK_BOT_TOKEN"),
])
def test_one_slack_setting_alone_is_refused_naming_the_other(make_app, given, missing):
    with pytest.raises(ValueError, match=f"^{missing} is not set") as raised:
        make_app(**given)
    assert "\n" not in str(raised.value)


def test_a_malformed_rate_limit_is_refused_at_creation(make_app):
    with pytest.raises(ValueError, match="rate limit"):
        make_app(RATE_LIMIT="plenty")


def test_an_app_that_fails_to_build_leaves_no_log_open(bot, tmp_path):
    """The log is opened before the rest is installed: a failure after it closes it again."""
    from adapters.web import create_app

    before = log_writers()
    with pytest.raises(ValueError, match="rate limit"):
        create_app(bot, {"LOG_PATH": tmp_path / "log.sqlite3", "RATE_LIMIT": "plenty"})
    assert log_writers() == before
