"""One tagged PDF from the parts' tagged PDFs (pikepdf), keeping what makes it accessible.

Pages are appended in order. Each part's structure tree is moved under the first part's
``Document`` element, and its ``ParentTree`` keys (and the ``StructParents`` of its
pages and ``StructParent`` of its link annotations) are shifted past the keys already
used, so every marked-content id still finds its element. Bookmarks are chained in
order; named destinations come from the part that owns each anchor, so a link in the
contents finds a section in another part. Title, language, PDF/UA identification and
viewer preferences are the first part's. The footers come from a PDF of their own, laid
over each page with their content marked as artifacts.
"""

from __future__ import annotations

from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name

from sendlib.files import atomic_output

#: content operators that paint shapes, images or shadings (footers are text only)
PAINTING = {"f", "F", "f*", "B", "B*", "b", "b*", "S", "s", "Do", "sh", "BI"}


def merge(parts: list[Path], owners: dict[str, int]) -> pikepdf.Pdf:
    """One PDF of the part PDFs (``owners``: anchor name → owning part), not yet saved."""
    out = pikepdf.open(parts[0])
    root = out.Root.StructTreeRoot
    document = root.K[0]
    nums = list(root.ParentTree.Nums)
    next_key = _next_key(nums)
    outline = _top_outline_items(out.Root)
    dests = {str(name): dest for name, dest in _dests(out.Root) if owners.get(str(name), 0) == 0}
    for index, path in enumerate(parts[1:], start=1):
        src = pikepdf.open(path)
        offset = next_key
        first = len(out.pages)
        for page in src.pages:
            out.pages.append(page)
        for page in out.pages[first:]:
            page.obj.StructParents = int(page.obj.StructParents) + offset
            for annot in page.obj.get("/Annots", Array()):
                if "/StructParent" in annot:
                    annot.StructParent = int(annot.StructParent) + offset
        for kid in src.Root.StructTreeRoot.K[0].K:
            copied = _copy(out, kid)
            if isinstance(copied, Dictionary):
                copied.P = document
            document.K.append(copied)
        for key, value in _pairs(src.Root.StructTreeRoot.ParentTree.Nums):
            nums += [int(key) + offset, _copy(out, value)]
        next_key = _next_key(nums)
        outline += [_copy(out, item) for item in _top_outline_items(src.Root)]
        for name, dest in _dests(src.Root):
            if owners.get(str(name)) == index:
                dests[str(name)] = _copy(out, dest)
    root.ParentTree = out.make_indirect(Dictionary(Nums=Array(nums)))
    root.ParentTreeNextKey = next_key
    _chain_outline(out, outline)
    if dests:
        names = Array()
        for name in sorted(dests, key=lambda n: n.encode("utf-8")):
            names.append(pikepdf.String(name))
            names.append(dests[name])
        out.Root.Names = Dictionary(Dests=Dictionary(Names=names))
    return out


def add_footers(pdf: pikepdf.Pdf, footers: Path) -> None:
    """Lay each page of ``footers`` over the same page of ``pdf``, its content marked as
    an artifact (page furniture, which assistive technology skips)."""
    with pikepdf.open(footers) as source:
        if [tuple(p.mediabox) for p in source.pages] != [tuple(p.mediabox) for p in pdf.pages]:
            raise ValueError("the footer pages do not match the paper's pages")
        for page, footer in zip(pdf.pages, source.pages, strict=True):
            parsed = pikepdf.parse_content_stream(footer)
            painted = {str(op) for _, op in parsed} & PAINTING
            if painted:  # a background would hide the paper's page
                raise ValueError(f"the footer pages paint more than text ({sorted(painted)})")
            instructions = [
                pikepdf.ContentStreamInstruction([Name.Artifact], pikepdf.Operator("BMC"))
                if str(operator) == "BDC"
                else pikepdf.ContentStreamInstruction(operands, operator)
                for operands, operator in parsed
            ]
            footer.obj.Contents = source.make_stream(pikepdf.unparse_content_stream(instructions))
            page.add_overlay(pdf.copy_foreign(footer.as_form_xobject()))


def save(pdf: pikepdf.Pdf, target: Path) -> None:
    with atomic_output(target) as temp:
        pdf.save(temp, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)


def _copy(out: pikepdf.Pdf, obj):
    """``obj`` from another PDF into ``out`` (indirect objects through pikepdf, so every
    reference to an already copied page or element finds that copy)."""
    if isinstance(obj, pikepdf.Object) and obj.is_indirect:
        return out.copy_foreign(obj)
    if isinstance(obj, Array):
        return Array([_copy(out, item) for item in obj])
    if isinstance(obj, Dictionary):
        return Dictionary({key: _copy(out, value) for key, value in obj.items()})
    return obj


def _pairs(flat) -> list[tuple]:
    items = list(flat)
    return list(zip(items[0::2], items[1::2], strict=True))


def _dests(root) -> list[tuple]:
    """A document's named destinations (WeasyPrint writes one flat name array)."""
    if "/Names" not in root or "/Dests" not in root.Names:
        return []
    return _pairs(root.Names.Dests.get("/Names", Array()))


def _next_key(nums: list) -> int:
    return max((int(k) for k in nums[0::2]), default=-1) + 1


def _top_outline_items(root) -> list:
    if "/Outlines" not in root or "/First" not in root.Outlines:
        return []
    items, item = [], root.Outlines.First
    while True:
        items.append(item)
        if "/Next" not in item:
            return items
        item = item.Next


def _chain_outline(out: pikepdf.Pdf, items: list) -> None:
    """The bookmarks as one list under the outline root, in the parts' order."""
    outlines = out.Root.Outlines if "/Outlines" in out.Root else None
    if not items:
        return
    if outlines is None:
        outlines = out.make_indirect(Dictionary(Type=Name.Outlines))
        out.Root.Outlines = outlines
    for before, item, after in zip([None, *items[:-1]], items, [*items[1:], None], strict=True):
        item.Parent = outlines
        if before is None:
            if "/Prev" in item:
                del item.Prev
        else:
            item.Prev = before
        if after is None:
            if "/Next" in item:
                del item.Next
        else:
            item.Next = after
    outlines.First, outlines.Last = items[0], items[-1]
    outlines.Count = sum(1 + max(int(item.get("/Count", 0)), 0) for item in items)
