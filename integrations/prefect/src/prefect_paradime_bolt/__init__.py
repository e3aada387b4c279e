"""prefect-paradime-bolt."""
