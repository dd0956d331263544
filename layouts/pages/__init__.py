"""The pages of the dashboard: each has ``layout(state, lang, query)`` and ``register(app, state)``."""
