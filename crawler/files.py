"""Files written whole or not at all: a temporary file beside the target, renamed over it.

Shared by every room that writes a file in one go (fixtures, exports, the README's table), so
a crash or a full disk never leaves half a file behind.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["pretty_json", "write_json", "write_text_atomically"]


def write_text_atomically(path: Path, text: str) -> None:
    """Write a file whole or not at all: a temporary file beside it, renamed over the target."""
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def write_json(path: Path, data: Any) -> None:
    """Write JSON readably and atomically."""
    write_text_atomically(path, pretty_json(data) + "\n")


def pretty_json(value: Any) -> str:
    """JSON indented by two, non-ASCII kept readable: the form fixtures and diffs use."""
    return json.dumps(value, indent=2, ensure_ascii=False)
