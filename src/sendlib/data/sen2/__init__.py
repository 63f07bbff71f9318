"""The DfE's SEN2 person-level return (XML) read into the data contract.

``xml`` streams a return safely; ``fields`` reads typed values; ``person`` maps one Person
to rows; ``establishments`` classifies URNs with the GIAS list; ``ids`` makes keyed-hash
ids; ``importer`` merges returns and writes the case tables. ``mapping.yaml`` says which
element fills which column.
"""

from sendlib.data.sen2.establishments import Establishments, read_establishments
from sendlib.data.sen2.ids import KEY_ENV, IdKey, IdKeyError, load_key
from sendlib.data.sen2.importer import ImportSummary, import_returns, not_carried, read_return
from sendlib.data.sen2.xml import Sen2Error

__all__ = [
    "KEY_ENV",
    "Establishments",
    "IdKey",
    "IdKeyError",
    "ImportSummary",
    "Sen2Error",
    "import_returns",
    "load_key",
    "not_carried",
    "read_establishments",
    "read_return",
]
