"""Outgoing webhooks: the body of a run event (``payload``) and its delivery (``sender``)."""
