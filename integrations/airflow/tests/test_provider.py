"""How Airflow finds the provider (entry point, provider info, connection form), the lazy
top-level names, the version, and what importing the operators costs a DAG file."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
import tomllib

import paradime_bolt
import paradime_bolt_airflow
from paradime_bolt_airflow.get_provider_info import get_provider_info

MEMBER = Path(__file__).resolve().parent.parent
HEAVY = ("httpx", "pydantic", "paradime_bolt._generated", "paradime_bolt._client")


def test_the_entry_point_gives_the_provider_info() -> None:
    [entry] = [
        e
        for e in metadata.entry_points(group="apache_airflow_provider")
        if e.value.startswith("paradime_bolt_airflow")
    ]
    assert entry.load()() == get_provider_info()


def test_the_provider_info_is_valid_for_airflow() -> None:
    import jsonschema
    from airflow import providers_manager

    schema = json.loads(
        (Path(providers_manager.__file__).parent / "provider_info.schema.json").read_text()
    )
    jsonschema.validate(get_provider_info(), schema)


def test_airflow_registers_the_hook_the_form_the_trigger_and_the_link() -> None:
    from airflow.providers_manager import ProvidersManager
    from airflow.sdk.providers_manager_runtime import ProvidersManagerTaskRuntime

    manager = ProvidersManager()
    assert "airflow-provider-paradime-bolt" in manager.providers
    hook = ProvidersManagerTaskRuntime().hooks["paradime_bolt"]
    assert hook is not None
    assert hook.hook_class_name == "paradime_bolt_airflow.hooks.BoltHook"
    assert hook.connection_id_attribute_name == "conn_id"
    assert hook.connection_testable
    widgets = manager.connection_form_widgets
    assert {"extra__paradime_bolt__workspace_uid", "extra__paradime_bolt__proxy"} <= set(widgets)
    assert manager.field_behaviours["paradime_bolt"]["relabeling"]["host"] == "API endpoint"
    assert "paradime_bolt_airflow.links.BoltRunLink" in manager.extra_links_class_names
    assert [
        info.trigger_class_name
        for info in manager.trigger
        if info.package_name == "airflow-provider-paradime-bolt"
    ] == ["paradime_bolt_airflow.triggers"]


def test_every_module_and_class_the_info_names_exists() -> None:
    info = get_provider_info()
    for section in ("operators", "sensors", "hooks", "triggers"):
        for entry in info[section]:
            for module in entry["python-modules"]:
                importlib.import_module(module)
    for path in [c["hook-class-name"] for c in info["connection-types"]] + info["extra-links"]:
        module, _, name = path.rpartition(".")
        assert getattr(importlib.import_module(module), name)


@pytest.mark.parametrize("name", paradime_bolt_airflow.__all__)
def test_every_top_level_name_resolves(name: str) -> None:
    assert getattr(paradime_bolt_airflow, name) is not None
    if name != "__version__":
        module = {"BoltHook": "hooks", "BoltRunLink": "links", "BoltRunSensor": "sensors"}
        expected = module.get(name, "triggers" if name == "BoltRunTrigger" else "operators")
        assert (
            getattr(paradime_bolt_airflow, name).__module__ == f"paradime_bolt_airflow.{expected}"
        )


def test_an_unknown_top_level_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        _ = paradime_bolt_airflow.Nope  # type: ignore[attr-defined]


def test_the_version_is_the_clients_and_the_dependency_pins_it() -> None:
    assert paradime_bolt_airflow.__version__ == paradime_bolt.__version__
    assert metadata.version("airflow-provider-paradime-bolt") == paradime_bolt.__version__
    project = tomllib.loads((MEMBER / "pyproject.toml").read_text())["project"]
    assert f"paradime-bolt=={paradime_bolt.__version__}" in project["dependencies"]


def _imported_after(statement: str) -> dict[str, list[str]]:
    """The heavy modules that `statement` loads in a fresh interpreter that has imported
    Airflow's task SDK, as a DAG processor has. (Airflow's own import already loads httpx and
    pydantic: what is measured is what the provider adds.)"""
    code = f"""
import sys, airflow.sdk
before = set(sys.modules)
{statement}
print(sorted(m for m in sys.modules if m not in before))
"""
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = json.loads(result.stdout.strip().replace("'", '"'))
    return {
        heavy: [m for m in loaded if m == heavy or m.startswith(heavy + ".")] for heavy in HEAVY
    }


@pytest.mark.parametrize(
    "statement",
    [
        "import paradime_bolt_airflow.operators",
        "from paradime_bolt_airflow import BoltRunOperator, BoltArtifactOperator",
        "from paradime_bolt_airflow.sensors import BoltRunSensor",
        "from paradime_bolt_airflow.hooks import BoltHook",
    ],
)
def test_a_dag_file_importing_the_provider_loads_no_client(statement: str) -> None:
    """Parsing a DAG file must not load the client: its generated models and the client
    modules are what importing `paradime_bolt.BoltClient` costs."""
    assert _imported_after(statement) == {heavy: [] for heavy in HEAVY}


def test_the_check_sees_the_client_when_it_is_loaded() -> None:
    loaded = _imported_after(
        "import paradime_bolt_airflow.operators; from paradime_bolt import BoltClient"
    )
    assert loaded["paradime_bolt._generated"] and loaded["paradime_bolt._client"]


def test_importing_the_provider_warns_of_no_deprecated_airflow_api() -> None:
    """Paradime's provider imports `airflow.hooks.base` and `airflow.sensors.base`, which
    Airflow 3 answers with DeprecatedImportWarning; ours uses the task SDK's names."""
    code = """
import warnings, airflow.sdk
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    import paradime_bolt_airflow.hooks, paradime_bolt_airflow.links
    import paradime_bolt_airflow.operators, paradime_bolt_airflow.sensors
    import paradime_bolt_airflow.triggers
print([f"{w.category.__name__}: {w.message}" for w in caught])
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_serialized_dag_links_the_run_url_xcom() -> None:
    """The API server never imports the link class: it reads the XCom the serialized DAG names,
    so the link is the `run_url` XCom, there as soon as the run is triggered."""
    import pendulum
    from airflow.sdk import DAG
    from airflow.serialization.serialized_objects import DagSerialization

    from paradime_bolt_airflow import BoltRunOperator

    with DAG("linked", schedule=None, start_date=pendulum.datetime(2026, 1, 1)) as dag:
        BoltRunOperator(task_id="run", schedule_name="daily run")
    restored = DagSerialization.deserialize_dag(DagSerialization.serialize_dag(dag))
    [link] = restored.get_task("run").operator_extra_links
    assert (link.name, link.xcom_key) == ("Paradime Bolt run", "run_url")
