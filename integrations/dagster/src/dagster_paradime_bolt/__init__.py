"""dagster-paradime-bolt: Paradime Bolt schedules as Dagster assets, checks, ops and sensors.

from dagster import Definitions
from dagster_paradime_bolt import BoltResource, bolt_schedule_sensor, build_bolt_assets

daily = build_bolt_assets(schedule_name="daily run", manifest="dbt/manifest.json")
defs = Definitions(
    assets=[daily],
    sensors=[bolt_schedule_sensor("daily run", manifest="dbt/manifest.json")],
    resources={"bolt": BoltResource()},  # the client reads PARADIME_API_* in the step
)
"""

from paradime_bolt import __version__

from ._assets import build_bolt_assets
from ._errors import ArtifactFormatError, ManifestError, SensorCursorError
from ._execution import TAG_PREFIX, run_tag
from ._manifest import BoltProject, DbtNode, DbtTest, load_project
from ._ops import BoltRunConfig, bolt_run_op, build_bolt_job, build_bolt_run_op
from ._resource import BoltResource
from ._sensor import bolt_schedule_sensor

__all__ = [
    "TAG_PREFIX",
    "ArtifactFormatError",
    "BoltProject",
    "BoltResource",
    "BoltRunConfig",
    "DbtNode",
    "DbtTest",
    "ManifestError",
    "SensorCursorError",
    "__version__",
    "bolt_run_op",
    "bolt_schedule_sensor",
    "build_bolt_assets",
    "build_bolt_job",
    "build_bolt_run_op",
    "load_project",
    "run_tag",
]
