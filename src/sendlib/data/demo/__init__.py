"""The demo: a synthetic council in the data contract, so sendlib runs without real data.

``generate`` writes one council's files, ``generate_councils`` a data root of several;
nothing here describes a real person.
"""

from sendlib.data.demo.calibration import SCALES
from sendlib.data.demo.council import council_frames, generate, generate_councils
from sendlib.data.demo.returns import RETURN_PROFILES

__all__ = ["RETURN_PROFILES", "SCALES", "council_frames", "generate", "generate_councils"]
