"""Reading a value at a dotted path ("person.id_card") in form or task data."""
from __future__ import annotations


def get(data, path: str | tuple[str, ...], default=None):
    """The value at `path`, or `default` where a part is missing or a step is not an object."""
    node = data
    for part in path.split(".") if isinstance(path, str) else path:
        if not isinstance(node, dict) or part not in node:
            return default
        node = node[part]
    return node
