"""WeasyPrint as sendlib loads it (``sendlib.render.libraries``): import this module, not
``weasyprint``, so the library search starts no compilers. The PDF workers' fork server
loads it once."""

from sendlib.render.libraries import weasyprint

HTML = weasyprint().HTML
