"""The sources pane: the selected citation's passage beside the chat; Enter opens the article."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from qa import Citation, QAError
from qa.answering.sources import SourceView, article_view, passage_view
from qa.display.dates import shown_date
from qa.display.render import beside_sentence, safe, safe_block

from .screens import ArticleScreen
from .widgets import REMOVED, CitationItem, fit_path

if TYPE_CHECKING:
    from .app import QAApp


EMPTY_SOURCES = Text(
    "Sources\n\nSelect a citation to see its passage here; Enter opens the whole article.",
    style="dim",
)


class SourcesPane(VerticalScroll):
    """The selected citation's passage, scrolled to the cited sentence, which is highlighted."""

    def compose(self) -> ComposeResult:
        yield Static(EMPTY_SOURCES, id="source-heading")
        yield Static(id="source-before")
        yield Static(id="source-sentence")
        yield Static(id="source-after")

    @property
    def text(self) -> str:
        """Everything the pane shows, as plain text."""
        return "".join(str(widget.render()) for widget in self.query(Static))

    view: SourceView | None = None
    selected: CitationItem | None = None
    """The citation whose passage is shown (marked in the chat)."""

    @property
    def chat(self) -> QAApp:
        return cast("QAApp", self.app)

    def select(self, item: CitationItem) -> None:
        """Mark `item` as the selected citation and show its passage."""
        if self.selected is not None:
            self.selected.remove_class("selected")
        self.selected = item
        item.add_class("selected")
        try:
            view = self.chat.asker.with_library(
                lambda library: passage_view(library, item.citation)
            )
        except KeyError:
            self._removed(item.citation)
            return
        except QAError as error:
            self.chat.tell(f"cannot show this source: {error}", "error")
            return
        self.show(view)

    def open_article(self, citation: Citation) -> None:
        """The whole article of `citation`, on a screen of its own."""
        try:
            view = self.chat.asker.with_library(lambda library: article_view(library, citation))
        except KeyError:
            self._removed(citation)
            return
        except QAError as error:
            self.chat.tell(f"cannot open this article: {error}", "error")
            return
        self.app.push_screen(ArticleScreen(view))

    def _removed(self, citation: Citation) -> None:
        """The cited article is gone from the library (deleted, or changed since the answer
        and indexed anew): its citations, in every answer, say so instead of failing."""
        for item in self.chat.query(CitationItem):
            if item.citation.article_id == citation.article_id:
                item.removed = True
                item.refresh()
        self.view = None
        for part in ("#source-before", "#source-sentence", "#source-after"):
            self.query_one(part, Static).update("")
        self.query_one("#source-heading", Static).update(
            Text(f"{REMOVED[0].upper()}{REMOVED[1:]}; ask again to cite what it holds now.")
        )
        self.chat.tell(f"[{citation.number}] {REMOVED}; ask again to cite what it holds now.")

    def _draw_heading(self) -> None:
        """Title, path (shortened to the pane's width, less room for a scrollbar) and date."""
        view = self.view
        if view is None:
            return
        heading = Text(safe(view.title) + "\n", style="bold")
        width = max(20, self.size.width - 4)
        heading.append(fit_path(safe(view.source), width), style="dim")
        if view.date:
            heading.append("\n" + safe(shown_date(view.date)), style="dim")
        self.query_one("#source-heading", Static).update(heading)

    def on_resize(self) -> None:
        self._draw_heading()  # the sidebar opened or the terminal changed size: fit the path

    def clear(self) -> None:
        """Back to the empty pane (a new chat, another library)."""
        self.view = None
        self.selected = None
        self.query_one("#source-heading", Static).update(EMPTY_SOURCES)
        for part in ("#source-before", "#source-sentence", "#source-after"):
            self.query_one(part, Static).update("")

    def show(self, view: SourceView) -> None:
        self.view = view
        self._draw_heading()
        before, after = beside_sentence(safe_block(view.before), safe_block(view.after))
        self.query_one("#source-before", Static).update(Text(before))
        self.query_one("#source-sentence", Static).update(
            Text(safe_block(view.sentence), style="bold reverse")
        )
        self.query_one("#source-after", Static).update(Text(after))
        self.call_after_refresh(self._scroll_to_sentence)

    def _scroll_to_sentence(self) -> None:
        sentence = self.query_one("#source-sentence")
        self.scroll_to(y=max(0, sentence.virtual_region.y - 2), animate=False)
