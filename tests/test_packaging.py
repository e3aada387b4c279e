"""The two distributions as users install them: the client alone, and the client with its emulator.

Both wheels are built from this checkout (through their sdists, as an index would) into a
temporary folder and installed into fresh virtual environments; packages come from uv's cache
when it has them (offline first), else from the registry.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

import paradime_bolt

pytestmark = [pytest.mark.subprocess, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = (ROOT / "schema.graphql").read_bytes()


def _uv() -> str:
    found = os.environ.get("UV") or shutil.which("uv") or str(ROOT / ".tools" / "bin" / "uv")
    if not Path(found).is_file():
        pytest.skip("no uv to build and install with")
    return found


def _run(argv: Sequence[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(argv), capture_output=True, text=True, check=False, timeout=600, **kwargs
    )


def _uv_offline_first(*args: str, cwd: Path = ROOT) -> None:
    """`uv ARGS` from the cache only; if the cache lacks something, again with the registry."""
    env = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
    offline = _run([_uv(), *args, "--offline"], cwd=cwd, env=env)
    if offline.returncode == 0:
        return
    online = _run([_uv(), *args], cwd=cwd, env=env)
    assert online.returncode == 0, online.stderr[-3000:]


def _wheel(folder: Path, distribution: str) -> Path:
    (wheel,) = folder.glob(f"{distribution}-{paradime_bolt.__version__}-py3-none-any.whl")
    return wheel


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both wheels, each built from its sdist."""
    out = tmp_path_factory.mktemp("dist")
    _uv_offline_first("build", "--package", "paradime-bolt", "--out-dir", str(out), "-q")
    _uv_offline_first("build", "--package", "paradime-bolt-emulator", "--out-dir", str(out), "-q")
    return out


def _venv(path: Path, *requirements: str) -> Path:
    _uv_offline_first("venv", "-q", "--python", sys.executable, str(path))
    python = path / "bin" / "python"
    _uv_offline_first("pip", "install", "-q", "--python", str(python), *requirements)
    return python


def test_the_versions_are_one(wheels: Path) -> None:
    client = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    emulator = tomllib.loads((ROOT / "emulator" / "pyproject.toml").read_text(encoding="utf-8"))
    version = paradime_bolt.__version__
    assert client["project"]["optional-dependencies"]["emulator"] == [
        f"paradime-bolt-emulator=={version}"
    ]
    shared = (ROOT / "emulator" / emulator["tool"]["hatch"]["version"]["path"]).resolve()
    assert shared == ROOT / "src" / "paradime_bolt" / "_version.py"
    for distribution in ("paradime_bolt", "paradime_bolt_emulator"):
        with zipfile.ZipFile(_wheel(wheels, distribution)) as wheel:
            metadata = wheel.read(f"{distribution}-{version}.dist-info/METADATA").decode()
        assert f"\nVersion: {version}\n" in metadata
    assert f"Requires-Dist: paradime-bolt-emulator=={version}; extra == 'emulator'" in (
        zipfile.ZipFile(_wheel(wheels, "paradime_bolt"))
        .read(f"paradime_bolt-{version}.dist-info/METADATA")
        .decode()
    )


@pytest.mark.parametrize(
    ("distribution", "member"),
    [
        ("paradime_bolt", "paradime_bolt/schema.graphql"),
        ("paradime_bolt_emulator", "paradime_bolt_emulator/schema.graphql"),
    ],
)
def test_each_wheel_carries_the_root_schema_as_a_real_file(
    wheels: Path, distribution: str, member: str
) -> None:
    with zipfile.ZipFile(_wheel(wheels, distribution)) as wheel:
        info = wheel.getinfo(member)
        assert (info.external_attr >> 28) != 0o12, "a symlink"  # S_IFLNK in the high bits
        assert wheel.read(member) == SCHEMA


def test_the_repository_holds_no_symlink() -> None:
    listed = _run(["git", "ls-files", "-s"], cwd=ROOT)
    if listed.returncode != 0:
        pytest.skip("not a git checkout")
    assert [line for line in listed.stdout.splitlines() if line.startswith("120000")] == []


def test_the_client_alone_imports_and_registers_no_pytest_plugin(
    wheels: Path, tmp_path: Path
) -> None:
    python = _venv(tmp_path / "client", str(_wheel(wheels, "paradime_bolt")))
    probe = _run(
        [
            str(python),
            "-c",
            "import importlib.metadata as m, importlib.util as u, paradime_bolt;"
            "print(paradime_bolt.__version__);"
            "print([e.value for e in m.entry_points(group='pytest11') if 'paradime' in e.value]);"
            "print(u.find_spec('paradime_bolt_emulator'));"
            "print(u.find_spec('sniffio') is not None)",
        ]
    )
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.splitlines() == [paradime_bolt.__version__, "[]", "None", "True"]


def test_the_client_with_its_emulator_extra_serves_the_schema(wheels: Path, tmp_path: Path) -> None:
    client = _wheel(wheels, "paradime_bolt")
    python = _venv(
        tmp_path / "both", f"{client}[emulator]", str(_wheel(wheels, "paradime_bolt_emulator"))
    )
    root_schema = str(ROOT / "schema.graphql")
    probe = _run(
        [
            str(python),
            "-c",
            "import importlib.metadata as m\n"
            "from paradime_bolt import BoltClient\n"
            "from paradime_bolt_emulator import EmulatorServer\n"
            "from paradime_bolt_emulator.api.schema import SCHEMA_PATH\n"
            f"print(SCHEMA_PATH.read_bytes() == open({root_schema!r}, 'rb').read(),"
            " 'site-packages' in str(SCHEMA_PATH))\n"
            "print([e.value for e in m.entry_points(group='pytest11') if 'paradime' in e.value])\n"
            "with EmulatorServer(port=0) as server, BoltClient(endpoint=server.endpoint,"
            " api_key=server.api_key, api_secret=server.api_secret) as bolt:\n"
            "    print(bolt.list_bolt_schedules().total_count > 0)\n",
        ],
        cwd=tmp_path,
    )
    assert probe.returncode == 0, probe.stderr[-3000:]
    assert probe.stdout.splitlines() == [
        "True True",
        "['paradime_bolt_emulator.pytest_plugin']",
        "True",
    ]
    script = _run([str(python.parent / "paradime-bolt-emulator"), "--print-schedules"])
    assert script.returncode == 0, script.stderr
    assert "daily run" in script.stdout


def test_the_client_requires_sniffio() -> None:
    # Without sniffio, httpcore retries a failed `import sniffio` on every async request (18% of
    # the async client's CPU); recent anyio (4.16 in the lock) no longer brings it: the client does.
    requirements = importlib.metadata.requires("paradime-bolt") or []
    assert any(req.split(";")[0].strip().startswith("sniffio") for req in requirements)
    assert importlib.util.find_spec("sniffio") is not None
