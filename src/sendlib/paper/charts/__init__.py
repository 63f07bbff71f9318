"""The paper's charts, in one house style and published as accessible figures.

Every chart has a title and axis labels in the picture, one caption beside it (its
source), alt text generated from its data (what it shows and its key figure) and its data
as a table beside it; a chart that would show one point, or nothing a reader may see, is a
sentence instead. Tick labels never repeat and month labels never run together.

One module per job: ``theme`` (seaborn's theme, colours, the axis rules), ``figure``
(``Chart``, ``NoChart``, the data table and its symbols), ``describe`` (alt text),
``lines`` (a KPI's months), ``bars`` (breakdowns, this year beside last), ``panels``
(small multiples) and ``projection`` (a record and its projection with intervals).
"""
