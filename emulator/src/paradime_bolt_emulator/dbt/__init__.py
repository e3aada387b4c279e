"""The fake dbt project a run executes (``project``), its console output (``logs``) and the
artifacts it leaves (``artifacts``)."""
