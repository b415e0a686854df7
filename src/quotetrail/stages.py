"""The default per-article stage list, in order."""

from __future__ import annotations

from .model import StatementScope
from .pipeline import Stage, check_stages


def default_stages(profile: object | None = None, scope: StatementScope = "speech") -> list[Stage]:
    """clean → metadata → statements → quantities → cited sources → entities.

    ``profile`` is the corpus profile built by :class:`quotetrail.clean.CorpusProfiler` over the
    inputs of a run (page chrome that recurs across articles of one source); None cleans each
    article on its own evidence only. ``scope`` is the statements kept: "speech" or "all" (see
    :class:`quotetrail.attribution.StatementStage`).
    """
    from .attribution import StatementStage
    from .clean import Cleaner, CorpusProfile
    from .entities import entities_stage
    from .metadata import metadata_stage
    from .quantities import quantities_stage
    from .sources import cited_sources_stage

    stages: list[Stage] = [
        Cleaner(profile if isinstance(profile, CorpusProfile) else None),
        metadata_stage,
        StatementStage(scope),
        quantities_stage,
        cited_sources_stage,
        entities_stage,
    ]
    check_stages(stages)
    return stages
