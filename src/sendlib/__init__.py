"""sendlib: a reproducible monthly SEND performance paper for an English local authority.

The package reads like the data flow in DESIGN.md:
``contract`` → ``load`` (+ ``schemas``, ``integrity``) → ``quality`` → ``kpis`` → ``scorecard``
→ tables/charts → notebooks → stitch → render.
"""

__version__ = "0.1.0"
