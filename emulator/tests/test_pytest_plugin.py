"""The pytest plugin as a user's project sees it: real pytest runs in a scratch project."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.subprocess, pytest.mark.slow]

pytest_plugins = ["pytester"]

SCHEDULES = """\
schedules:
  - name: only mine
    schedule: "OFF"
    commands: [dbt run]
    emulator: {start_delay: 0.01, default_duration: 0.01}
"""


def test_loading_the_plugin_imports_neither_the_client_nor_the_emulators_dependencies(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        test_startup="""
        import sys

        def test_nothing_heavy_was_imported(request):
            assert request.config.pluginmanager.has_plugin("paradime_bolt_emulator")
            heavy = ("httpx", "pydantic", "ariadne", "uvicorn", "yaml", "paradime_bolt")
            loaded = [name for name in heavy if name in sys.modules]
            assert loaded == []
            ours = sorted(name for name in sys.modules if name.startswith("paradime_bolt_emu"))
            assert ours == ["paradime_bolt_emulator", "paradime_bolt_emulator.pytest_plugin"]
        """
    )
    # pytest-httpx (our dev dependency, not the plugin's) imports httpx itself: leave it out.
    result = pytester.runpytest_subprocess("-p", "no:httpx", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_the_marker_path_is_relative_to_the_test_file_not_the_working_directory(
    pytester: pytest.Pytester,
) -> None:
    (pytester.path / "sub").mkdir()
    (pytester.path / "sub" / "paradime_schedules.yml").write_text(SCHEDULES, encoding="utf-8")
    (pytester.path / "sub" / "test_marker.py").write_text(
        "import pytest\n\n"
        '@pytest.mark.bolt_emulator(schedules="paradime_schedules.yml")\n'
        "def test_it(bolt_emulator):\n"
        "    names = [s.name for s in bolt_emulator.client.list_bolt_schedules().schedules]\n"
        '    assert names == ["only mine"]\n',
        encoding="utf-8",
    )
    elsewhere = pytester.mkdir("elsewhere")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(elsewhere)
        result = pytester.runpytest_subprocess(str(pytester.path / "sub"))
    result.assert_outcomes(passed=1)


def test_a_missing_schedules_file_names_every_place_it_was_looked_for(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        test_missing="""
        import pytest

        @pytest.mark.bolt_emulator(schedules="nowhere.yml")
        def test_it(bolt_emulator):
            pass
        """
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*schedules='nowhere.yml' not found (tried *nowhere.yml*"])


def test_the_factory_shares_one_emulator_across_a_module(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yml", paradime_schedules=SCHEDULES)
    pytester.makepyfile(
        test_shared="""
        import pytest

        @pytest.fixture(scope="module")
        def bolt(bolt_emulator_factory):
            return bolt_emulator_factory(schedules="paradime_schedules.yml")

        def test_first(bolt):
            bolt.client.trigger_bolt_run("only mine")

        def test_second_sees_the_first_run(bolt):
            assert len(bolt.client.list_bolt_runs("only mine").runs) == 1

        def test_a_fresh_one_is_separate(bolt, bolt_emulator):
            assert bolt.endpoint != bolt_emulator.endpoint
        """
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=3)
