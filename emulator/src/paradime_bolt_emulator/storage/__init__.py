"""The SQLite database: the records stored (``records``), the SQL (``repository``), the connection
and its layout (``store``)."""
