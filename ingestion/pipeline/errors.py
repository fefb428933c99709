"""Why a step of the nightly pipeline failed for a reason a retry will not fix."""

from __future__ import annotations


class PipelineError(RuntimeError):
    """A step failed for a reason a retry will not fix (bad data, failing tests)."""


class ExtractMissing(PipelineError):
    pass


class ExtractRejected(PipelineError):
    pass


class BuildFailed(PipelineError):
    pass
