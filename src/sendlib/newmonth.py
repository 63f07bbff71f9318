"""``sendlib new-month``: prepare the narrative files for a month.

Each section's file starts as last month's text, marked for review (an HTML comment the
paper never shows; ``sendlib run`` lists files still marked), followed by the facts
sendlib drafts from the new month's figures, as a comment to draw on. Existing files are
never overwritten.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from sendlib.narrative import REVIEW_MARKER, narrative_path

#: sections with a narrative block, and the view drafting their facts
DRAFTS = {
    "01_summary": "key_messages",
    "02_caseload": "caseload_facts",
    "03_requests": "requests_facts",
    "04_timeliness": "timeliness_facts",
    "05_reviews": "reviews_facts",
    "06_placements": "placements_facts",
    "07_disputes": "disputes_facts",
    "08_adulthood_partners": "adulthood_facts",
    "09_data_quality": None,
}


def _text(html: str) -> list[str]:
    paragraphs = re.findall(r'<p class="para">(.*?)</p>', html, flags=re.S)
    return [
        re.sub(r"<[^>]+>", "", p).replace("&#x27;", "'").replace("&amp;", "&") for p in paragraphs
    ]


def prepare_month(month: pd.Period, params_dir: Path, ctx=None) -> list[tuple[Path, str]]:
    """Write the month's narrative files; returns (path, what happened) for each section."""
    from sendlib import views

    previous = month - 1
    done = []
    for section, view in DRAFTS.items():
        path = narrative_path(params_dir, str(month), section)
        if path.exists():
            done.append((path, "kept (already exists)"))
            continue
        last = narrative_path(params_dir, str(previous), section)
        carried = last.read_text(encoding="utf-8").strip() if last.exists() else ""
        carried = re.sub(r"<!--.*?-->", "", carried, flags=re.S).strip()
        lines = [
            f"<!-- {REVIEW_MARKER}: carried over from {previous.strftime('%B %Y')}. "
            "Update it for this month, then delete this line. -->",
            "",
        ]
        lines.append(carried or f"<!-- No narrative was written for {previous}. -->")
        if ctx is not None and view is not None:
            facts = _text(getattr(views, view)(ctx))
            lines += [
                "",
                f"<!-- Facts sendlib drafted for {month.strftime('%B %Y')} "
                "(the paper already shows them above your text):",
            ]
            lines += [f"  - {fact}" for fact in facts] + ["-->"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        done.append((path, "written, marked for review"))
    return done
