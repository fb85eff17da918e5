"""Run settings: built once at the edge (CLI or tests) and passed down to the stages."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import BaseModel, Field, field_validator

EMBEDDED_MODEL_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m"


DATABASE_URL_SCHEMES = ("postgresql://", "postgres://")


def is_database_url(database: object) -> bool:
    """Whether `database` names a PostgreSQL server (a URL) rather than an SQLite file."""
    return isinstance(database, str) and database.startswith(DATABASE_URL_SCHEMES)


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
    db_path: Path | str | None = Field(None, description="SQLite file, or a postgresql:// URL (a PostgreSQL "
                                       "server); default <cache_dir>/factcheck.sqlite")
    use_cache: bool = True
    retry_failed: bool = False
    max_reasks: int = Field(2, description="re-asks after a failed validation")
    transport_retries: int = Field(2, description="retries of a request that got no answer (connection, 5xx, 429, a gateway page)")
    retry_wait: float = Field(1.0, description="seconds before the first retry of a failed request; doubles each time")
    max_tokens: int = 512
    timeout: float = Field(300.0, gt=0, description="seconds one request may take; a sentence's requests (re-asks and "
                           "retries included) stop after `sentence_deadline`")
    concurrency: int = Field(4, description="parallel requests to a remote endpoint")
    slots: int = Field(4, ge=1, description="requests the embedded server decodes together, and the client sends it at once")
    poll: int = Field(0, ge=0, le=100, description="llama.cpp's busy-wait level between work (0: its threads sleep instead of spinning)")
    select: Literal["classifier", "model", "rules"] = Field(
        "classifier", description="who picks the check-worthy sentences: the trained classifier (no model call), the "
        "model (with the llm extractor), or the rules")
    judge_pairs: Literal["flagged", "all"] = Field(
        "flagged", description="'flagged': the model judges the pairs behind rule conflicts only; 'all': every "
        "blocked pair, and contradictions it finds in words become flags")
    judge_confidence: float | None = Field(
        None, ge=0.0, le=1.0, description="the model's pair judgment may dismiss a rule conflict, raise a new one or "
        "corroborate a claim only at this confidence or above (set it where the model's precision was measured at 0.9 "
        "or more); None: never, its judgments are notes")
    server_binary: Path | None = Field(None, description="a llama-server executable instead of the packaged one")
    temperature: float = 0.0
    seed: int = 0
    n_ctx: int = 4096
    threads: int | None = None
    repack: Literal["auto", "on", "off"] = Field(
        "auto", description="llama.cpp weight repacking; 'auto' turns it off on AMX CPUs, where it crashes"
    )
    progress: Literal["bar", "lines", "off"] = Field(
        "bar", description="a tqdm bar, plain lines every `progress_every` seconds (when stderr is no terminal), or none"
    )
    progress_every: float = Field(10.0, description="seconds between two progress lines")
    reference_files: list[Path] = Field(default_factory=list, description="office-holder CSVs added to the shipped one")
    decisions_file: Path | None = Field(None, description="reviewers' decisions to import before the run")
    archive: Path | None = Field(None, description="an archive built by `factcheck index`, searched for evidence")
    archive_days: int | None = Field(None, ge=0, description="archive documents dated this close to the article only")
    archive_k: int = Field(5, ge=1, description="passages retrieved per claim")
    engine: Literal["local", "ray"] = Field("local", description="where `add` reads articles: in this process, or as "
                                           "Ray tasks (a local Ray instance, or the cluster at `ray_address`)")
    ray_address: str | None = Field(None, description="a Ray cluster's address; None starts a local instance")
    base_urls: list[str] = Field(default_factory=list, description="with the Ray engine: every endpoint to share "
                                 "the model calls between (`base_url` is the first)")
    batch: int = Field(20, ge=1, description="articles one task of `add` reads (and stores) together")
    chunk: int = Field(1000, ge=1, description="new articles `add` checks against the corpus together")

    @field_validator("db_path", mode="before")
    @classmethod
    def _db_path_or_url(cls, value):
        """A database URL stays text; anything else is a path."""
        return Path(value) if isinstance(value, str) and not is_database_url(value) else value

    @field_validator("progress", mode="before")
    @classmethod
    def _progress_flag(cls, value):
        """`progress=True/False` (as older callers pass it) means the bar or nothing."""
        return {True: "bar", False: "off"}.get(value, value) if isinstance(value, bool) else value

    @property
    def sentence_deadline(self) -> float:
        """Seconds all the requests for one sentence may take: one `timeout` per allowed attempt."""
        return self.timeout * (self.max_reasks + 1)

    @property
    def database(self) -> Path | str:
        """The SQLite file, or the PostgreSQL URL, that runs store into."""
        return self.db_path or self.cache_dir / "factcheck.sqlite"

    @property
    def embedded(self) -> bool:
        return self.base_url is None
