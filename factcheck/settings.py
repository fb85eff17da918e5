"""Run settings: built once at the edge (CLI or tests) and passed down to the stages."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import BaseModel, Field

EMBEDDED_MODEL_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m"


def default_cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir("factcheck"))


class Settings(BaseModel):
    """Everything a run needs to know; environment variables are read only by the CLI."""

    base_url: str | None = Field(None, description="OpenAI-compatible endpoint; None starts the embedded server")
    api_key: str | None = None
    model: str | None = Field(None, description="model name at the endpoint")
    model_path: Path | None = Field(None, description="a GGUF for the embedded server instead of the default")
    mode: Literal["json_schema", "tools", "json"] = "json_schema"
    extractor: Literal["llm", "rules"] = Field("llm", description="'rules' skips the model: numbers and titles only")
    cache_dir: Path = Field(default_factory=default_cache_dir)
    db_path: Path | None = Field(None, description="SQLite file; default <cache_dir>/factcheck.sqlite")
    use_cache: bool = True
    retry_failed: bool = False
    max_reasks: int = Field(2, description="re-asks after a failed validation")
    transport_retries: int = Field(2, description="retries of a failed HTTP request")
    max_tokens: int = 512
    timeout: float = 300.0
    concurrency: int = Field(4, description="parallel requests to a remote endpoint")
    slots: int = Field(4, ge=1, description="requests the embedded server decodes together, and the client sends it at once")
    poll: int = Field(0, ge=0, le=100, description="llama.cpp's busy-wait level between work (0 sleeps: a busy machine is not made worse)")
    server_binary: Path | None = Field(None, description="a llama-server executable instead of the packaged one")
    temperature: float = 0.0
    seed: int = 0
    n_ctx: int = 4096
    threads: int | None = None
    repack: Literal["auto", "on", "off"] = Field(
        "auto", description="llama.cpp weight repacking; 'auto' turns it off on AMX CPUs, where it crashes"
    )
    progress: bool = True
    reference_files: list[Path] = Field(default_factory=list, description="office-holder CSVs added to the shipped one")
    decisions_file: Path | None = Field(None, description="reviewers' decisions to import before the run")

    @property
    def database(self) -> Path:
        return self.db_path or self.cache_dir / "factcheck.sqlite"

    @property
    def embedded(self) -> bool:
        return self.base_url is None
