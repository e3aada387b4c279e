"""The output layer: terminal detection, control-code stripping, redaction, plain tables."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from paradime_bolt.cli._output import MASK, Output, Redactor, clean, fit_columns, is_interactive
from paradime_bolt.cli._render import format_duration


class Tty(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


TERMINAL = (Tty(True), Tty(True))


def test_a_terminal_is_interactive() -> None:
    assert is_interactive({"TERM": "xterm-256color"}, TERMINAL)


@pytest.mark.parametrize("ci", ["true", "1", "yes", "True", "anything"])
def test_ci_is_never_interactive(ci: str) -> None:
    assert not is_interactive({"CI": ci}, TERMINAL)


@pytest.mark.parametrize("ci", ["", "0", "false", "no", "off"])
def test_ci_switched_off_does_not_count(ci: str) -> None:
    assert is_interactive({"CI": ci}, TERMINAL)


def test_a_dumb_terminal_is_not_interactive() -> None:
    assert not is_interactive({"TERM": "dumb"}, TERMINAL)


@pytest.mark.parametrize("streams", [(Tty(False), Tty(True)), (Tty(True), Tty(False))])
def test_a_pipe_on_either_stream_is_not_interactive(streams: Any) -> None:
    assert not is_interactive({}, streams)


def test_a_stream_without_isatty_is_not_interactive() -> None:
    assert not is_interactive({}, (object(), Tty(True)))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\x1b[1;32mOK\x1b[0m", "OK"),
        ("\x1b]8;;https://x\x1b\\link\x1b]8;;\x1b\\", "link"),
        ("\x1b]0;title\x07text", "text"),
        ("a\x1bcb", "ab"),
        ("progress\r50%\r100%", "progress50%100%"),
        ("crlf\r\nnext", "crlf\nnext"),
        ("tab\tand\nnewline kept", "tab\tand\nnewline kept"),
        ("nul\x00 bell\x07 del\x7f c1\x85", "nul bell del c1"),
        ("unicode ✓ é 🙂", "unicode ✓ é 🙂"),
    ],
)
def test_clean(raw: str, expected: str) -> None:
    assert clean(raw) == expected


def test_redactor_masks_each_secret_and_ignores_short_values() -> None:
    redact = Redactor(["sk-long-secret", "abc", ""])
    assert redact("x sk-long-secret y abc") == f"x {MASK} y abc"


def test_redactor_reads_the_environment_and_strips_like_the_client() -> None:
    redact = Redactor.from_environ(
        {"PARADIME_API_SECRET": "  padded-secret-value \n", "PARADIME_API_KEY": "key-12345678"}
    )
    assert redact("padded-secret-value and key-12345678") == f"{MASK} and {MASK}"


def test_scrub_redacts_nested_documents() -> None:
    redact = Redactor(["hunter22"])
    document = {"a": ["hunter22", {"hunter22": 1, "n": None}], "b": 2}
    assert redact.scrub(document) == {"a": [MASK, {MASK: 1, "n": None}], "b": 2}


def test_plain_table_and_fields(capsys: pytest.CaptureFixture[str]) -> None:
    out = Output(interactive=False, json_mode=False, redact=Redactor())
    out.table(["name", "n"], [["a", "1"], ["long\nname", "22"]], right=[1])
    out.fields([("key", "value"), ("", "more"), ("longer key", "x")])
    assert capsys.readouterr().out.splitlines() == [
        "NAME        N",
        "a           1",
        "long name  22",
        "key:        value",
        "            more",
        "longer key: x",
    ]


def test_json_mode_keeps_stdout_for_the_document(capsys: pytest.CaptureFixture[str]) -> None:
    out = Output(interactive=False, json_mode=True, redact=Redactor(["s3cr3t-value"]))
    out.line("a result line")
    out.table(["h"], [["cell"]])
    out.document({"value": "s3cr3t-value", "escape": "\x1b[0m"})
    captured = capsys.readouterr()
    assert json.loads(captured.out) == {"value": MASK, "escape": "\x1b[0m"}
    assert "\x1b" not in captured.out  # JSON escapes it
    assert "a result line" in captured.err
    assert "cell" in captured.err
    with pytest.raises(RuntimeError):
        out.document({})


@pytest.mark.parametrize("json_mode", [False, True])
def test_result_is_the_document_with_json_else_the_line_and_the_note(
    capsys: pytest.CaptureFixture[str], json_mode: bool
) -> None:
    out = Output(interactive=False, json_mode=json_mode, redact=Redactor())
    out.result({"run_id": 7}, line="7", note="triggered run 7")
    captured = capsys.readouterr()
    if json_mode:
        assert json.loads(captured.out) == {"run_id": 7}
        assert captured.err == ""
    else:
        assert (captured.out, captured.err) == ("7\n", "triggered run 7\n")


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(None, ""), (-1, "0.0s"), (4.24, "4.2s"), (187, "3m 07s"), (3720, "1h 02m")],
)
def test_format_duration(seconds: float | None, text: str) -> None:
    assert format_duration(seconds) == text


@pytest.mark.parametrize("sequence", ["\x1b7", "\x1b8", "\x1b(B", "\x1bM", "\x1b[?25l", "\x9b2J"])
def test_clean_removes_cursor_and_charset_escapes(sequence: str) -> None:
    assert clean(f"a{sequence}b") == "ab"


def test_a_secret_split_by_control_characters_is_still_masked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = Output(interactive=False, json_mode=False, redact=Redactor(["hunter22-secret"]))
    out.line("hunter\x0022-\x1b[0msecret")
    assert capsys.readouterr().out == f"{MASK}\n"


HEADERS = ["path", "command", "return code", "command id", "resource id"]
ROW = ["target/compiled/project/models/staging/stg_orders.sql", "dbt run", "0", "59002", "306000"]


def test_fit_gives_whole_columns_their_widest_cell_and_the_rest_to_the_others() -> None:
    kept, widths = fit_columns(HEADERS, [ROW], {2, 3, 4}, (), 80)
    assert kept == [0, 1, 2, 3, 4]
    assert widths[2:] == [6, 7, 8]  # "return", "command", "resource": headers wrap, cells not
    assert widths[1] == len("command")  # its natural width
    assert widths[0] == 80 - (3 * 5 - 1) - 6 - 7 - 8 - 7  # what is left


def test_fit_unwraps_whole_headers_when_there_is_room() -> None:
    _, widths = fit_columns(HEADERS, [ROW], {2, 3, 4}, (), 200)
    assert widths == [len(ROW[0]), 7, len("return code"), len("command id"), len("resource id")]


def test_fit_shares_the_room_narrowest_first() -> None:
    headers = ["a", "b", "c"]
    rows = [["x" * 50, "y" * 8, "z" * 50]]
    _, widths = fit_columns(headers, rows, set(), (), 3 * 3 - 1 + 60)
    assert widths == [26, 8, 26]


def test_fit_drops_optional_columns_in_order_until_the_rest_fits() -> None:
    headers = ["name", "when", "owner", "note"]
    rows = [["marketing attribution", "2024-08-28 07:30", "x" * 30, "y" * 30]]
    kept, widths = fit_columns(headers, rows, {1}, (3, 2), 40)
    assert kept == [0, 1]
    assert widths == [40 - 5 - 16, 16]
    kept, _ = fit_columns(headers, rows, {1}, (3, 2), 50)
    assert kept == [0, 1, 2]
    kept, _ = fit_columns(headers, rows, {1}, (3, 2), 60)
    assert kept == [0, 1, 2, 3]


def test_a_terminal_table_never_cuts_a_whole_cell(monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.console import Console

    out = Output(interactive=True, json_mode=False, redact=Redactor())
    console = Console(width=60, record=True, force_terminal=True)
    monkeypatch.setattr(out, "_console", lambda **_: console)
    out.table(HEADERS, [ROW, [*ROW[:3], "59003", "306001"]], right=(2, 3, 4), whole=(2, 3, 4))
    lines = console.export_text().splitlines()
    assert all(len(line) <= 60 for line in lines)
    rows = [line.split()[-5:] for line in lines if "dbt run" in line]
    assert rows == [["dbt", "run", "0", "59002", "306000"], ["dbt", "run", "0", "59003", "306001"]]
    body = lines[next(i for i, line in enumerate(lines) if "───" in line) + 1 :]
    path_pieces = [line.split()[0] for line in body if line.strip()]
    assert "".join(path_pieces) == ROW[0] * 2  # folded over lines, nothing lost
