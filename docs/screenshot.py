"""Render the README's screenshot: a real `qa chat` conversation over seeds/, saved as SVG.

python docs/screenshot.py
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from qa import History, Settings, open_asker
from qa.tui import make_app

ROOT = Path(__file__).resolve().parent.parent


async def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="qa-screenshot-"))
    settings = Settings(library=work / "library")
    asker = open_asker(settings)
    asker.library.add([ROOT / "seeds"])
    app = make_app(settings, lambda _: asker, export_folder=work, history=History(work))
    async with app.run_test(size=(110, 46)) as pilot:
        await app.workers.wait_for_complete()
        for question in ("who raised sanctions?", "what did he say about Russia?"):
            await pilot.press(*question, "enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
        await pilot.press("tab")
        await pilot.pause()
        app.clear_notifications()
        app.save_screenshot(str(ROOT / "docs" / "chat.svg"))


if __name__ == "__main__":
    asyncio.run(main())
