"""``sendlib new-month``: prepare the narrative files for a month.

Each section's file starts as last month's text, marked for review (an HTML comment the
paper never shows; ``sendlib run`` lists files still marked), followed by the facts
sendlib drafts from the new month's figures, as a comment to draw on. Existing files are
never overwritten.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sendlib.files import atomic_write
from sendlib.paper.narrative import REVIEW_COMMENT, REVIEW_MARKER, find_narrative, narrative_path
from sendlib.paper.notebook_context import Context
from sendlib.paper.sections import SECTIONS, Section


def prepare_month(
    month: pd.Period, params_dir: Path, ctx: Context | None = None
) -> list[tuple[Path, str]]:
    """Write the month's narrative files; returns (path, what happened) for each section."""
    done = []
    for section in (s for s in SECTIONS if s.narrative):
        path = narrative_path(params_dir, str(month), section.slug)
        existing = find_narrative(params_dir, str(month), section.slug, section.legacy_names)
        if existing is not None:
            done.append((existing, "kept (already exists)"))
            continue
        atomic_write(path, draft(section, month, params_dir, ctx))
        done.append((path, "written, marked for review"))
    return done


def draft(section: Section, month: pd.Period, params_dir: Path, ctx: Context | None) -> str:
    """A section's starting text: last month's words marked for review, and the month's
    drafted facts as a comment."""
    previous = month - 1
    last = find_narrative(params_dir, str(previous), section.slug, section.legacy_names)
    carried = last.read_text(encoding="utf-8").strip() if last else ""
    carried = REVIEW_COMMENT.sub("", carried).strip()
    lines = [
        f"<!-- {REVIEW_MARKER}: carried over from {previous.strftime('%B %Y')}. "
        "Update it for this month, then delete this line. -->",
        "",
        carried or f"<!-- No narrative was written for {previous}. -->",
    ]
    if ctx is not None and section.facts is not None:
        lines += [
            "",
            f"<!-- Facts sendlib drafted for {month.strftime('%B %Y')} "
            "(the paper already shows them above your text):",
            *(f"  - {fact}" for fact in section.facts(ctx).sentences),
            "-->",
        ]
    return "\n".join(lines) + "\n"


def migrate(params_dir: Path) -> list[tuple[Path, Path, str]]:
    """Rename narrative files kept under a section's old name (``04_timeliness.md``) to its
    slug (``timeliness.md``) in every month; returns (old, new, what happened). A file
    whose new name is taken already is left where it is, and said so."""
    done = []
    for folder in sorted((Path(params_dir) / "narrative").glob("*")):
        if not folder.is_dir():
            continue
        for section in SECTIONS:
            new = folder / f"{section.slug}.md"
            for legacy in section.legacy_names:
                old = folder / f"{legacy}.md"
                if not old.exists() or old == new:
                    continue
                if new.exists():
                    done.append((old, new, "left as it is: the new name is taken"))
                else:
                    old.rename(new)
                    done.append((old, new, "renamed"))
    return done
