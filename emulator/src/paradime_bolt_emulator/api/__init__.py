"""The HTTP and GraphQL surface: the ASGI app, the credential check, the schema and its
resolvers, the payloads they answer, the service behind them and signed download URLs."""
