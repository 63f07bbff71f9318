"""The demo, a stage beside ``data``: a synthetic council in the data contract, so sendlib
runs without real data. It reads the contract and the DfE's release from ``sendlib.data``;
only the command line (``sendlib demo``) and the tests import it.

``generate`` writes one council's files, ``generate_councils`` a data root of several;
nothing here describes a real person.
"""

from sendlib.demo.calibration import SCALES
from sendlib.demo.council import council_frames, generate, generate_councils
from sendlib.demo.returns import RETURN_PROFILES

__all__ = ["RETURN_PROFILES", "SCALES", "council_frames", "generate", "generate_councils"]
