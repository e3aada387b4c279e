"""A user's dbt project for ``--dbt-project``: checked at start-up, copied for each run.

``check_dbt_installed`` names the extra to install when dbt is missing; ``DbtProject.open``
checks the folder is a dbt project, finds its profile (the user's with ``--profiles-dir``, else
a DuckDB profile written into the emulator's state, so no warehouse is needed) and its adapter.
``parse`` runs ``dbt parse`` once, so a broken project is reported before any run and its
``partial_parse.msgpack`` seeds the runs'. Every problem is a ``DbtProjectError`` naming it.

Warehouse: with the written profile every workspace has its own DuckDB file under the state
folder (``warehouse/``); DuckDB lets one process write a file at a time, so a workspace's runs
are queued and run one after the other (see ``executor``), while workspaces run side by side.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import re
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from paradime_bolt_emulator.schedules.spec import (
    ScheduleFileError,
    ScheduleSpec,
    parse_schedules_document,
)

EXTRA = "pip install 'paradime-bolt-emulator[dbt]'"
SCHEDULES_FILE = "paradime_schedules.yml"
BOLT_FOLDER = ".bolt"
DUCKDB_ENV = "BOLT_EMULATOR_DUCKDB_PATH"
DEFAULT_TARGET = "bolt_emulator"
# What a copy of the working tree leaves out (top level only): dbt's outputs and tool folders.
_NOT_COPIED = frozenset({"target", "logs", ".git", ".venv", "venv", "__pycache__"})


class DbtProjectError(ValueError):
    """The dbt project cannot be served: not installed, not a project, no adapter, no parse."""


def check_dbt_installed() -> str:
    """dbt-core's version; DbtProjectError naming the extra when it is not installed."""
    try:
        version = importlib.metadata.version("dbt-core")
    except importlib.metadata.PackageNotFoundError:
        version = None
    try:
        found = importlib.util.find_spec("dbt.cli") is not None
    except (ImportError, ValueError):
        found = False
    if version is None or not found:
        raise DbtProjectError(
            f"--dbt-project needs dbt, which is not installed: {EXTRA} "
            "(dbt-core 1.11 and dbt-duckdb)"
        )
    return version


def _adapter_installed(adapter: str) -> bool:
    try:
        return importlib.util.find_spec(f"dbt.adapters.{adapter}") is not None
    except (ImportError, ValueError):
        return False


def _read_yaml(path: Path, what: str) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise DbtProjectError(f"{path}: cannot read {what}: {error.strerror or error}") from error
    except yaml.YAMLError as error:
        raise DbtProjectError(f"{path}: {what} is not valid YAML: {error}") from error


def safe_name(text: str) -> str:
    """A file name for a workspace uid: its safe characters and a short hash."""
    digest = hashlib.sha256(text.encode()).hexdigest()[:8]
    return f"{re.sub(r'[^A-Za-z0-9_.-]', '_', text)[:40]}-{digest}"


@dataclass(frozen=True)
class DbtProject:
    """A checked project: where it is, its profile, and the emulator's folder for it."""

    root: Path
    name: str
    profile: str
    profiles_dir: Path
    own_profile: bool
    target: str | None
    state: Path
    is_git: bool
    dbt_version: str

    @classmethod
    def open(
        cls, root: Path, *, profiles_dir: Path | None, target: str | None, state: Path
    ) -> DbtProject:
        """Check the folder and the profile, writing a DuckDB profile when none is given."""
        dbt_version = check_dbt_installed()
        root = root.expanduser().resolve()
        if not root.is_dir():
            raise DbtProjectError(f"--dbt-project {root}: no such folder")
        project_file = root / "dbt_project.yml"
        if not project_file.is_file():
            raise DbtProjectError(
                f"--dbt-project {root}: not a dbt project (no dbt_project.yml in it)"
            )
        document = _read_yaml(project_file, "dbt_project.yml")
        if not isinstance(document, dict) or not isinstance(document.get("name"), str):
            raise DbtProjectError(f"{project_file}: not a dbt project file (no name:)")
        profile = document.get("profile") or document["name"]
        if not isinstance(profile, str):
            raise DbtProjectError(f"{project_file}: profile: must be a name")
        state.mkdir(parents=True, exist_ok=True)
        if profiles_dir is None:
            if not _adapter_installed("duckdb"):
                raise DbtProjectError(
                    f"the dbt-duckdb adapter is not installed, and without --profiles-dir the "
                    f"emulator runs the project on DuckDB: {EXTRA}"
                )
            profiles_dir = state / "profiles"
            _write_duckdb_profile(profiles_dir, profile, target or DEFAULT_TARGET)
            own = True
        else:
            profiles_dir = profiles_dir.expanduser().resolve()
            _check_user_profile(profiles_dir, profile, target)
            own = False
        return cls(
            root=root,
            name=document["name"],
            profile=profile,
            profiles_dir=profiles_dir,
            own_profile=own,
            target=target,
            state=state,
            is_git=(root / ".git").exists(),
            dbt_version=dbt_version,
        )

    def warehouse(self, workspace: str) -> Path:
        """The DuckDB file of a workspace (used by the written profile)."""
        folder = self.state / "warehouse"
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{safe_name(workspace)}.duckdb"

    def environment(self, workspace: str, schedule_name: str) -> dict[str, str | None]:
        """The variables a dbt command of this workspace's run gets over the emulator's own."""
        env: dict[str, str | None] = {
            "DBT_PROFILES_DIR": str(self.profiles_dir),
            "DBT_TARGET": self.target,
            "DBT_PROJECT_DIR": None,
            "DBT_USE_COLORS": "false",
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "PYTHONUNBUFFERED": "1",
            "PARADIME_SCHEDULE_NAME": schedule_name,
        }
        if self.own_profile:
            env[DUCKDB_ENV] = str(self.warehouse(workspace))
        return env

    def copy_tree(self, destination: Path) -> None:
        """Copy the working tree (not target/, logs/, .git or the emulator's own state)."""
        state = self.state.resolve()

        def ignored(folder: str, names: list[str]) -> Iterable[str]:
            here = Path(folder).resolve()
            return [
                name
                for name in names
                if (here == self.root and name in _NOT_COPIED) or (here / name) == state
            ]

        shutil.copytree(self.root, destination, symlinks=True, ignore=ignored)

    def schedules(self) -> list[ScheduleSpec]:
        """The project's schedules: paradime_schedules.yml and every YAML file under .bolt/."""
        files = [self.root / SCHEDULES_FILE] if (self.root / SCHEDULES_FILE).is_file() else []
        bolt = self.root / BOLT_FOLDER
        if bolt.is_dir():
            files += sorted(path for path in bolt.rglob("*") if path.suffix in (".yml", ".yaml"))
        specs: list[ScheduleSpec] = []
        origins: dict[str, Path] = {}
        for path in files:
            document = _read_yaml(path, "the schedules file")
            try:
                found = parse_schedules_document(document, str(path))
            except ScheduleFileError as error:
                raise DbtProjectError(str(error)) from error
            for spec in found:
                if spec.name in origins:
                    raise DbtProjectError(
                        f"schedule {spec.name!r} is defined twice: in {origins[spec.name]} "
                        f"and in {path}"
                    )
                origins[spec.name] = path
            specs += found
        if not specs:
            specs = parse_schedules_document(
                {"schedules": [{"name": "dbt build", "commands": ["dbt build"]}]},
                "the default schedule of a project without schedules",
            )
        return specs


def _write_duckdb_profile(folder: Path, profile: str, target: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    document = {
        profile: {
            "target": target,
            "outputs": {
                target: {
                    "type": "duckdb",
                    # Each workspace's own file: the emulator sets the variable per run.
                    "path": "{{ env_var('" + DUCKDB_ENV + "') }}",
                    "threads": 4,
                }
            },
        }
    }
    (folder / "profiles.yml").write_text(
        "# Written by paradime-bolt-emulator --dbt-project: DuckDB, one file per workspace.\n"
        + yaml.safe_dump(document, sort_keys=False),
        encoding="utf-8",
    )


def _check_user_profile(folder: Path, profile: str, target: str | None) -> None:
    """The profile exists in the user's profiles.yml and its adapter is installed."""
    path = folder / "profiles.yml"
    if not path.is_file():
        raise DbtProjectError(f"--profiles-dir {folder}: no profiles.yml in it")
    document = _read_yaml(path, "profiles.yml")
    entry = document.get(profile) if isinstance(document, dict) else None
    if not isinstance(entry, dict):
        raise DbtProjectError(f"{path}: no profile {profile!r} (the project's profile:)")
    outputs = entry.get("outputs")
    chosen = target or entry.get("target")
    output = outputs.get(chosen) if isinstance(outputs, dict) else None
    if not isinstance(output, dict):
        raise DbtProjectError(f"{path}: profile {profile!r} has no target {chosen!r}")
    adapter = output.get("type")
    if isinstance(adapter, str) and "{{" not in adapter and not _adapter_installed(adapter):
        raise DbtProjectError(
            f"the {profile!r} profile's target {chosen!r} uses the {adapter!r} adapter, which "
            f"is not installed: pip install dbt-{adapter}"
        )


def git_output(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run git quietly; its output is what the clone step logs."""
    return subprocess.run(  # noqa: S603 - git with our own arguments
        ["git", *args],  # noqa: S607 - git from PATH, as a user runs it
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
