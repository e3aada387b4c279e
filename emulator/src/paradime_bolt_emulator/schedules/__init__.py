"""Schedules as code: the ``paradime_schedules.yml`` format (``spec``, ``yaml_fields``), cron
(``cron``), the schedules a workspace serves (``catalog``) and the built-in set
(``default_schedules.yml``)."""
