"""What every package shares: the schema of the unit tables and the translation catalogue.

``core`` imports no other package of the atlas; ``loaders``, ``metrics``,
``layouts``, ``exports`` and ``cli`` all import from it.
"""

from . import schema, text

__all__ = ["schema", "text"]
