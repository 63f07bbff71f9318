"""Reading a SEN2 return's XML safely and one person at a time.

The parse streams (constant memory per person: each ``Person`` is handed over and then
cleared), matches element names without regard to case or namespace (suppliers differ),
and keeps each element's line and path so that every problem names where it is. A
document type declaration is refused outright: entity expansion ("billion laughs") and
external entities (reading a local file) never happen.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from weakref import ref

from lxml import etree

#: xs:date (an optional time zone), or a date-time whose time is ignored
DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(T[\d:.]+)?(Z|[+-]\d{2}:\d{2})?$")
SNIFF = 1 << 16  # bytes looked at for a DOCTYPE before parsing (the parser checks again)
DOCTYPE_REFUSED = (
    "has a document type declaration (DOCTYPE/ENTITY): refused, since entities could "
    "expand without limit or read other files; a SEN2 return has none"
)


class Sen2Error(Exception):
    """A return that cannot be imported; the message names the file, line and element."""

    def __init__(self, file: str, line: int | None, path: str, reason: str):
        where = ", ".join(p for p in (file, f"line {line}" if line else "", path) if p)
        super().__init__(f"{where}: {reason}")


class Node:
    """An element: its name (lower case, no namespace), text, line and children; its path
    (``Message/Persons/Person[3]/Requests[1]/…``) is worked out only when asked for: a
    child is labelled by its position among same-named siblings when it has any
    (``Request[2]``), else by its name as written."""

    __slots__ = ("__weakref__", "_label", "_parent", "children", "line", "name", "text")

    def __init__(self, name: str, text: str, line: int, parent: Node | None, label: str):
        self.name, self.text, self.line = name, text, line
        self.children: list[Node] = []
        # a weak link up: a person's tree has no cycle, so it is freed as soon as it is
        # read rather than by the garbage collector (which took a quarter of an import)
        self._parent = ref(parent) if parent is not None else None
        self._label = label

    @property
    def path(self) -> str:
        parent = self._parent() if self._parent is not None else None
        if parent is None:
            return self._label
        same = parent.all(self.name)
        if len(same) > 1:
            place = next(i for i, sibling in enumerate(same, 1) if sibling is self)
            return f"{parent.path}/{self._label}[{place}]"
        return f"{parent.path}/{self._label}"

    def all(self, name: str) -> list[Node]:
        return [c for c in self.children if c.name == name]

    def first(self, name: str) -> Node | None:
        for c in self.children:
            if c.name == name:
                return c
        return None

    def value(self, name: str) -> str:
        found = self.first(name)
        return found.text if found is not None else ""


@dataclass
class Header:
    """The return's header: which collection, year, census date and local authority."""

    collection: str
    year: str
    reference_date: str
    la: str
    datetime: str = ""  # when the return was made (Source/DateTime): orders resubmissions
    dsco: str = ""  # Designated Social Care Officer in post (2025 on): Y, N or R


_NAMES: dict[object, tuple[str, str]] = {}


def _names(tag: object) -> tuple[str, str]:
    """An element's (lower-case local name, local name as written); ("", "") for a
    comment or processing instruction. Looked up once per tag: a return has a million
    elements and a few dozen tags."""
    found = _NAMES.get(tag)
    if found is None:
        local = tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
        found = _NAMES[tag] = (local.lower(), local)
    return found


def _local(tag: object) -> str:
    return _names(tag)[0]


def _node(element: etree._Element, label: str, parent: Node | None = None) -> Node:
    """An element and its children as nodes (``label``: the element's path when it has no
    parent node; a child's label is its name as written)."""
    node = Node(
        _names(element.tag)[0], (element.text or "").strip(), element.sourceline or 0, parent, label
    )
    append = node.children.append
    for child in element:
        tag = child.tag
        written = (_NAMES.get(tag) or _names(tag))[1]  # the call only for a new tag
        if written:  # not a comment or processing instruction
            append(_node(child, written, node))
    return node


def _grandparent(element: etree._Element) -> etree._Element | None:
    parent = element.getparent()
    return parent.getparent() if parent is not None else None


def refuse_doctype(path: Path) -> None:
    """A return never needs a document type: one with a DOCTYPE or ENTITY is refused."""
    with path.open("rb") as handle:
        start = handle.read(SNIFF)
    found = re.search(rb"<!\s*(DOCTYPE|ENTITY)", start, flags=re.IGNORECASE)
    if found:
        line = start.count(b"\n", 0, found.start()) + 1
        raise Sen2Error(path.name, line, "", DOCTYPE_REFUSED)


class Return:
    """One SEN2 return: ``header`` once read, and ``persons()`` streamed in order."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.header: Header | None = None

    def persons(self) -> Iterator[Node]:
        """Each Person element as a node (the header is read on the way)."""
        refuse_doctype(self.path)
        name = self.path.name
        context = etree.iterparse(
            str(self.path),
            events=("end",),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
            remove_comments=True,
        )
        root, index = None, 0
        try:
            for _, element in context:
                if root is None:
                    tree = element.getroottree()
                    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
                        raise Sen2Error(name, 1, "", DOCTYPE_REFUSED)
                    root = tree.getroot()
                    if _local(root.tag) != "message":
                        raise Sen2Error(
                            name,
                            root.sourceline,
                            _names(root.tag)[1],
                            "is not a SEN2 return (no Message)",
                        )
                tag = element.tag
                local = (_NAMES.get(tag) or _names(tag))[0]  # a million times: no call
                if local == "header" and element.getparent() is root:
                    self.header = _header(name, _node(element, "Message/Header"))
                elif local == "person" and _grandparent(element) is root:
                    if self.header is None:
                        raise Sen2Error(name, element.sourceline, "Message", "has no Header")
                    index += 1
                    yield _node(element, f"Message/Persons/Person[{index}]")
                    element.clear()
                    parent = element.getparent()
                    while element.getprevious() is not None:
                        del parent[0]
        except etree.XMLSyntaxError as exc:
            line = exc.position[0] if exc.position else None
            raise Sen2Error(name, line, "", f"is not well-formed XML ({exc.msg})") from exc
        if self.header is None:
            raise Sen2Error(name, None, "Message", "is not a SEN2 return (no Header)")


def _header(file: str, node: Node) -> Header:
    details = node.first("collectiondetails")
    source = node.first("source")
    found = details.first("collection") if details is not None else None
    collection = found.text if found is not None else ""
    if collection.upper() != "SEN2":
        where = found or details or node
        path = where.path if found else f"{node.path}/CollectionDetails/Collection"
        raise Sen2Error(
            file, where.line, path, f"is '{collection}', not SEN2: this is not a SEN2 return"
        )
    assert details is not None
    return Header(
        collection,
        details.value("year"),
        details.value("referencedate"),
        source.value("lea") if source is not None else "",
        source.value("datetime") if source is not None else "",
        _descendant(node, "dsco"),
    )


def _descendant(node: Node, name: str) -> str:
    """The text of the first element ``name`` anywhere below ``node`` (suppliers place the
    header's officer flags differently)."""
    for child in node.children:
        if child.name == name:
            return child.text
        found = _descendant(child, name)
        if found:
            return found
    return ""
