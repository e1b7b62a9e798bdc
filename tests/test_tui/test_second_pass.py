"""The chat's second pass (issue 23): answers after Ctrl+N, navigation, paste, copy, empty states,
opening sources, editing and re-asking, longer answers; driven by the Pilot over seeds/."""

from __future__ import annotations

from collections.abc import Callable

from test_app import SIZE, ask

from qa.tui import QAApp
from qa.tui.chat_log import ChatLog
from qa.tui.widgets import Turn


def on_screen(log: ChatLog, turn: Turn) -> bool:
    """Whether some of `turn` is inside the chat pane's visible region."""
    visible = log.scrollable_content_region
    region = turn.region
    return region.height > 0 and bool(visible.intersection(region).area)


async def test_answers_after_ctrl_n_on_a_reopened_chat_are_drawn_on_screen(
    chat_app: Callable[[], QAApp],
) -> None:
    app = chat_app()
    async with app.run_test(size=SIZE) as pilot:
        for question in ("who raised sanctions?", "what did he say about Russia?", "why?"):
            await ask(pilot, app, question)
    app = chat_app()  # a restart reopens that chat, held at its end
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        log = app.query_one(ChatLog)
        await pilot.press("ctrl+n")
        await pilot.pause()
        # Held at the end, the emptied log was scrolled past its content (-34 after three
        # turns), so what came next was drawn off-screen, the pane left blank.
        assert 0 <= log.scroll_y <= log.max_scroll_y
        for question in ("who raised sanctions?", "when did the G7 meet?"):
            app.query_one("#question").focus()
            await pilot.press(*question, "enter")
            await pilot.pause()
            pending = log.query(Turn).last()
            assert on_screen(log, pending)
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert 0 <= log.scroll_y <= log.max_scroll_y
            assert on_screen(log, pending)
        assert len(log.query(Turn)) == 2
