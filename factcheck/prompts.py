"""Versioned prompt files (`prompts/NAME.vN.txt`) loaded with their content hash.

The hash goes into the LLM cache key, so an edited prompt never serves a stale answer.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel

from .errors import FactcheckError

_HERE = Path(__file__).resolve().parent
# Installed wheels carry the prompts inside the package; a source checkout has them at the top.
SEARCH_DIRS = (_HERE / "_prompts", _HERE.parent / "prompts")


class Prompt(BaseModel):
    name: str
    version: int
    text: str
    sha256: str


@lru_cache(maxsize=None)
def load(name: str, version: int) -> Prompt:
    for folder in SEARCH_DIRS:
        path = folder / f"{name}.v{version}.txt"
        if path.is_file():
            text = path.read_text(encoding="utf-8").strip()
            return Prompt(name=name, version=version, text=text, sha256=hashlib.sha256(text.encode()).hexdigest())
    raise FactcheckError(f"prompt {name}.v{version}.txt not found in {', '.join(map(str, SEARCH_DIRS))}")
