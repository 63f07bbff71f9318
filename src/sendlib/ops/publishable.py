"""Whether a month's paper may be published, checked before any notebook runs: it goes to
a committee meeting, carries no narrative still marked for review, and every narrative
file lays out (its images are pictures under params/)."""

from __future__ import annotations

import datetime as dt

from sendlib.ops.request import RunError, RunRequest
from sendlib.paper.narrative import (
    REVIEW_MARKER,
    NarrativeError,
    analyst_html,
    narrative_files,
    pending_review,
    unused_reason,
)
from sendlib.paper.sections import Section


def publishable(r: RunRequest, meeting: dt.date | None, sections: list[Section]) -> None:
    """A paper goes to a committee meeting, carries no text still marked for review and
    leaves out no narrative file (a preview may: nothing is published)."""
    if r.preview:
        return
    if meeting is None:
        raise RunError(
            f"the cover sheet needs the committee meeting for {r.month:%B %Y}'s paper: "
            f"add the next meeting date to meeting_dates in {r.params_dir / 'report.yaml'}, "
            f"or meeting_date to {r.params_dir / 'months' / f'{r.month}.yaml'}"
        )
    pending = pending_review(r.params_dir, str(r.month))
    if pending and not r.allow_draft and not r.team:
        names = "\n  ".join(str(p) for p in pending)
        raise RunError(
            f"narrative still marked for review (the line '<!-- {REVIEW_MARKER}: … -->'):"
            f"\n  {names}\nupdate the text and delete that line, or publish it as it is "
            "with --allow-draft"
        )
    _, unused = narrative_files(r.params_dir, str(r.month), sections)
    if unused and not r.allow_unused_narrative and not r.team:
        reasons = "\n  ".join(unused_reason(p, sections) for p in unused)
        raise RunError(
            f"a narrative file would be left out of the paper:\n  {reasons}\nrename it "
            "to its section's name, or publish without it with --allow-unused-narrative"
        )


def narrative_lays_out(r: RunRequest, sections: list[Section]) -> None:
    """Every narrative file of the paper can be laid out (its images are pictures
    under params/), checked before anything runs."""
    if r.team:
        return
    for section in sections:
        if section.narrative:
            try:
                analyst_html(r.params_dir, str(r.month), section.slug, section.legacy_names)
            except NarrativeError as exc:
                raise RunError(str(exc)) from None
