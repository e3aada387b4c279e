"""Where output goes and what it looks like.

On a terminal (stdout and stderr both TTYs, no `CI`, `TERM` not `dumb`) tables and the live view
are drawn with rich, on stderr for everything but results. Anywhere else, in a pipe or in CI,
output is plain lines with no control codes at all: rich is not even imported.

Every string written passes through two filters: the `Redactor`, which masks the API secret and
key wherever they might appear, and `clean()`, which strips escape sequences and control
characters from text that came from the server (dbt logs carry colour codes). With `--json`,
stdout carries exactly one JSON document and everything else goes to stderr.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.live import Live

__all__ = ["MASK", "Output", "Redactor", "clean", "fit_columns", "is_interactive"]

MASK = "**********"
SECRET_VARIABLES = ("PARADIME_API_SECRET", "PARADIME_API_KEY")
_NOT_CI = frozenset({"", "0", "false", "no", "off"})
_MIN_SECRET_LENGTH = 4

# CSI (colours, cursor moves; also in its 8-bit form), OSC (titles, hyperlinks), DCS/SOS/PM/APC
# strings, then every other escape (intermediate bytes, then one final byte: ESC c, ESC 7,
# ESC ( B), then a lone ESC. What remains of the C0 and C1 controls is removed after.
_ESCAPE_SEQUENCES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"
    r"|\x1b[ -/]*[0-~]"
    r"|\x1b"
)
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def is_interactive(
    environ: Mapping[str, str] | None = None, streams: Sequence[IO[Any]] | None = None
) -> bool:
    """True on a real terminal: rich output and a live view. False in CI and in pipes.

    Plain output when `CI` is set (to anything but empty, 0, false, no or off), when `TERM` is
    `dumb`, or when stdout or stderr is not a TTY.
    """
    env = os.environ if environ is None else environ
    if env.get("CI", "").strip().lower() not in _NOT_CI:
        return False
    if env.get("TERM", "").strip().lower() == "dumb":
        return False
    for stream in (sys.stdout, sys.stderr) if streams is None else streams:
        try:
            if not stream.isatty():
                return False
        except (AttributeError, ValueError):  # no isatty, or a closed stream
            return False
    return True


def clean(text: str) -> str:
    """`text` without escape sequences or control characters, tabs and newlines kept."""
    text = text.replace("\r\n", "\n")
    return _CONTROL_CHARACTERS.sub("", _ESCAPE_SEQUENCES.sub("", text))


class Redactor:
    """Masks secret values in text and in JSON documents."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        values = {s for s in secrets if len(s) >= _MIN_SECRET_LENGTH}
        self._secrets = sorted(values, key=len, reverse=True)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Redactor:
        """Masks the API secret and key from the environment, as given and as the client reads
        them (stripped)."""
        env = os.environ if environ is None else environ
        raw = [env.get(name, "") for name in SECRET_VARIABLES]
        return cls([*raw, *(value.strip() for value in raw)])

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        return text

    def scrub(self, value: Any) -> Any:
        """A copy of a JSON-ready value with every string (and key) redacted."""
        if isinstance(value, str):
            return self(value)
        if isinstance(value, Mapping):
            return {self(str(k)): self.scrub(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.scrub(v) for v in value]
        return value


class Output:
    """Writes a command's results (stdout) and diagnostics (stderr), plain or with rich."""

    def __init__(self, *, interactive: bool, json_mode: bool, redact: Redactor) -> None:
        self.interactive = interactive
        self.json_mode = json_mode
        self.redact = redact
        self.document_written = False
        self._consoles: dict[bool, Console] = {}
        self._live: Live | None = None

    def _safe(self, text: str) -> str:
        """`text` with secrets masked and control codes stripped (masked again afterwards, in
        case stripping joined a secret that control characters had split)."""
        return self.redact(clean(self.redact(text)))

    # -- text ----------------------------------------------------------------------------------

    def line(self, text: str = "", *, style: str | None = None) -> None:
        """A result line on stdout (on stderr with --json: stdout is the document's alone)."""
        self._write(text, err=self.json_mode, style=style)

    def note(self, text: str = "", *, style: str | None = None) -> None:
        """A diagnostic or progress line on stderr."""
        self._write(text, err=True, style=style)

    def error(self, lines: Sequence[str]) -> None:
        """An error on stderr: `error: ` and the first line, then the rest as they are."""
        if not lines:
            return
        first, *rest = lines
        if self.interactive:
            from rich.text import Text

            head = Text.assemble(("error: ", "bold red"), self._safe(first))
            console = self._console(err=True)
            console.print(head, soft_wrap=True, highlight=False)
            for text in rest:
                console.print(Text(self._safe(text)), soft_wrap=True, highlight=False)
            return
        click.echo(self._safe(f"error: {first}"), err=True)
        for text in rest:
            click.echo(self._safe(text), err=True)

    def log(self, text: str, *, stream: str = "stdout") -> None:
        """One line of a command's log, as the server sent it (escape codes stripped)."""
        self._write(text, err=self.json_mode, style="red" if stream == "stderr" else None)

    def _write(self, text: str, *, err: bool, style: str | None) -> None:
        safe = self._safe(text)
        if self.interactive:
            from rich.text import Text

            self._console(err=err).print(
                Text(safe, style=style or ""), soft_wrap=True, highlight=False
            )
        else:
            click.echo(safe, err=err)

    # -- structures ----------------------------------------------------------------------------

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[str]],
        *,
        right: Iterable[int] = (),
        styles: Sequence[str | None] | None = None,
        whole: Iterable[int] = (0,),
        optional: Sequence[int] = (),
    ) -> None:
        """A table of results: rich on a terminal, aligned plain columns elsewhere.

        `right` lists the columns to right-align; `styles` gives each row a rich style. On a
        terminal the cells of the `whole` columns (dates, ids, codes) are never wrapped or cut,
        the others wrap (long words fold), and the `optional` columns are left out, in that
        order, while the table is too wide for the terminal.
        """
        right_aligned = set(right)
        cells = [[_one_line(self._safe(cell)) for cell in row] for row in rows]
        if not self.interactive:
            for text in _plain_table(headers, cells, right_aligned):
                click.echo(text, err=self.json_mode)
            return
        from rich import box
        from rich.cells import cell_len
        from rich.table import Table
        from rich.text import Text

        console = self._console(err=self.json_mode)
        kept, widths = fit_columns(
            headers, cells, set(whole), optional, console.width, measure=cell_len
        )
        table = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False)
        for index, width in zip(kept, widths, strict=True):
            # A whole column is as wide as its widest cell, so only its header can wrap.
            table.add_column(
                headers[index],
                justify="right" if index in right_aligned else "left",
                width=width,
                overflow="fold",
            )
        for number, row in enumerate(cells):
            style = styles[number] if styles is not None and number < len(styles) else None
            table.add_row(*(Text(row[index]) for index in kept), style=style)
        console.print(table)

    def fields(self, pairs: Sequence[tuple[str, str]]) -> None:
        """Labelled values, one a line."""
        cleaned = [(label, self._safe(value)) for label, value in pairs]
        if not self.interactive:
            width = max((len(label) for label, _ in cleaned), default=0)
            for label, value in cleaned:
                prefix = f"{label}:" if label else ""
                click.echo(f"{prefix:<{width + 1}} {value}".rstrip(), err=self.json_mode)
            return
        from rich.table import Table
        from rich.text import Text

        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold")
        grid.add_column()
        for label, value in cleaned:
            grid.add_row(label, Text(value))
        self._console(err=self.json_mode).print(grid)

    def result(self, document: Any, *, line: str | None = None, note: str | None = None) -> None:
        """A short command's outcome: with --json its `document`, else `line` on stdout and
        `note` on stderr."""
        if self.json_mode:
            self.document(document)
            return
        if line is not None:
            self.line(line)
        if note is not None:
            self.note(note)

    def document(self, document: Any) -> None:
        """The one JSON document of a --json command, on stdout."""
        if self.document_written:
            raise RuntimeError("a --json command writes one document only")
        self.document_written = True
        import json  # here: `--help` and the table commands never load it

        text = json.dumps(self.redact.scrub(document), indent=2, ensure_ascii=True)
        click.echo(self.redact(text))

    # -- live view -----------------------------------------------------------------------------

    @contextmanager
    def live(self, renderable: RenderableType) -> Iterator[None]:
        """Shows `renderable`, refreshed four times a second, on stderr while the block runs;
        a no-op outside a terminal. Lines written meanwhile are printed above it."""
        if not self.interactive:
            yield
            return
        from rich.live import Live

        with Live(
            renderable,
            console=self._console(err=True),
            refresh_per_second=4,
            transient=True,
            redirect_stdout=False,
            redirect_stderr=False,
        ) as live:
            self._live = live
            try:
                yield
            finally:
                self._live = None

    def _console(self, *, err: bool) -> Console:
        if self._live is not None:
            return self._live.console  # prints above the live view instead of through it
        console = self._consoles.get(err)
        if console is None:
            from rich.console import Console

            console = Console(stderr=err, highlight=False)
            self._consoles[err] = console
        return console


# The width a table drawn as `table()` draws it takes beyond its cells' text: the two edges, a
# separator between columns, and a space either side of each separator.
def _table_extra(columns: int) -> int:
    return 3 * columns - 1 if columns else 0


FLEXIBLE_MINIMUM = 10


def fit_columns(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    whole: set[int],
    optional: Sequence[int],
    width: int,
    *,
    measure: Callable[[str], int] = len,
) -> tuple[list[int], list[int]]:
    """The columns to show and each one's width, for a table at most `width` wide.

    A `whole` column is as wide as its widest cell (its header may wrap); the other columns
    share what is left, narrowest needs first, none below `FLEXIBLE_MINIMUM` (or its natural
    width) while `optional` columns can still be dropped to make room. Room to spare then
    unwraps the headers of whole columns.
    """

    def natural(index: int) -> int:
        return max([measure(headers[index]), *(measure(row[index]) for row in rows)])

    def fixed(index: int) -> int:
        words = [measure(word) for word in headers[index].split()] or [0]
        return max([*words, *(measure(row[index]) for row in rows), 1])

    def least(index: int) -> int:
        return fixed(index) if index in whole else min(natural(index), FLEXIBLE_MINIMUM)

    kept = list(range(len(headers)))
    droppable = [index for index in optional if index in kept]
    while droppable and sum(map(least, kept)) + _table_extra(len(kept)) > width:
        kept.remove(droppable.pop(0))
    sizes = {index: fixed(index) for index in kept if index in whole}
    room = width - _table_extra(len(kept)) - sum(sizes.values())
    flexible = sorted((i for i in kept if i not in whole), key=natural)
    for position, index in enumerate(flexible):
        share = room // (len(flexible) - position)
        sizes[index] = max(1, min(natural(index), share))
        room -= sizes[index]
    for index in kept:  # room to spare: whole columns' headers on one line too
        if index in whole and room > 0:
            grow = min(natural(index) - sizes[index], room)
            sizes[index] += grow
            room -= grow
    return kept, [sizes[index] for index in kept]


def _one_line(text: str) -> str:
    return " ".join(text.split("\n")) if "\n" in text else text


def _plain_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]
) -> Iterator[str]:
    titles = [h.upper() for h in headers]
    widths = [len(t) for t in titles]
    for row in rows:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], len(cell))

    def render(row: Sequence[str]) -> str:
        parts = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        return "  ".join(parts).rstrip()

    yield render(titles)
    for row in rows:
        yield render(row)
