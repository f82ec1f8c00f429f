"""Source reliability: how often each outlet's claims hold up, and how sure we are.

* :mod:`.engine` — the model on plain arrays (usable without a project: the bench feeds it
  Emergent and synthetic data);
* :mod:`.inputs` — from a project to the engine's arrays (propositions, verdicts, rivals,
  copies found from "derived from" links and re-used text);
* :mod:`.copying` — copies nobody marked, found from who agrees with whom (ACCU-style test);
* :mod:`.scores` — the entry points ``score_project`` / ``explain_source`` / ``explain_claim``
  and the result dataclasses the CLI and GUI show;
* :mod:`.synthetic` — generated newsrooms with known accuracies (tests, bench).

See docs/scores.md for the plain-language description shown to journalists.
"""

from annotator.services.reliability.engine import Config
from annotator.services.reliability.scores import (
    NOT_ENOUGH,
    ClaimEstimate,
    ExplanationRow,
    ProjectScores,
    Push,
    SourceScore,
    explain_claim,
    explain_source,
    score_file,
    score_project,
)

__all__ = [
    "NOT_ENOUGH", "ClaimEstimate", "Config", "ExplanationRow", "ProjectScores", "Push", "SourceScore",
    "explain_claim", "explain_source", "score_file", "score_project",
]
