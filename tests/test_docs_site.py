"""The documentation site's generated pages (scripts/docs_hooks.py) and the README's promise."""

from __future__ import annotations

import importlib.util
import re
import subprocess
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[1]
_SPEC = importlib.util.spec_from_file_location("docs_hooks", ROOT / "scripts" / "docs_hooks.py")
assert _SPEC is not None and _SPEC.loader is not None
docs_hooks = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(docs_hooks)


@pytest.mark.subprocess
def test_the_readme_opens_with_make_demo_and_make_test_and_both_are_targets() -> None:
    first = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:6]
    commands = [line.split("#")[0].strip() for line in first if line.startswith("    make ")]
    assert commands == ["make demo", "make test"]
    targets = subprocess.run(
        ["make", "-n", "demo", "test"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert targets.returncode == 0, targets.stderr


def test_the_home_page_is_the_readme_with_its_links_made_pages() -> None:
    page = docs_hooks.root_page("README.md")
    targets = re.findall(r"\]\(([^)\s]+)\)", page)
    assert "cli.md" in targets and "integrations/airflow.md" in targets
    relative = [t for t in targets if not t.startswith(("https://", "http://"))]
    assert relative and all((ROOT / "docs" / t.split("#")[0]).is_file() for t in relative)


def test_a_root_page_linking_to_a_file_without_a_page_fails_the_build(tmp_path: Path) -> None:
    (tmp_path / "NOTES.md").write_text("see [the demo](examples/demo.py)\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(docs_hooks, "ROOT", tmp_path)
        with pytest.raises(PluginError, match=r"examples/demo\.py"):
            docs_hooks.root_page("NOTES.md")


def test_the_command_reference_has_every_command_and_the_emulator_options() -> None:
    import click

    from paradime_bolt.cli._app import cli

    expected = []

    def walk(command: click.Command, path: str, parent: click.Context | None) -> None:
        expected.append(path)
        ctx = click.Context(command, info_name=path.split()[-1], parent=parent)
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                assert sub is not None
                walk(sub, f"{path} {name}", ctx)

    walk(cli, "paradime-bolt", None)
    reference = docs_hooks.cli_reference()
    headings = re.findall(r"^#+ `([^`]+)`$", reference, re.MULTILINE)
    assert headings == expected
    assert "--outage-tolerance" in reference  # an option of `run`
    assert "--dbt-project" in reference  # the emulator's own, handed on by `paradime-bolt emulator`
