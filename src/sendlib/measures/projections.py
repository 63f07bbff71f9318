"""Projections of a monthly series (EHC plans at month end, requests received) with their
intervals, and the backtest that says how far to trust them.

The models are statsmodels' innovations-state-space exponential smoothing (``ETSModel``,
Hyndman et al., *Forecasting with Exponential Smoothing*, 2008), with additive errors so
that the prediction intervals are exact (no simulation, the same figures every run):

- ``damped``: a level and a damped trend, ETS(A,Ad,N) — growth that slows rather than
  runs on for ever, the usual choice for a caseload;
- ``seasonal``: the same with a 12-month season, ETS(A,Ad,A) — for requests, which dip
  every August and peak in the autumn term.

Each series is projected by the candidate that did better in the backtest: the same
method run as at each of the last 12 month ends, on the data known then, compared with
what happened (weighted absolute percentage error over every month it projected up to
the report month). The backtest is part of the result, so the paper can say how far out
the method was a year ago and how often its intervals held. A series with less than
``MIN_HISTORY`` months gives no projection: two full years are needed to tell a season
from a trend. Models are fitted to the last ``MAX_FIT`` months at most, so a change of
system years ago does not steer the projection.
"""

from __future__ import annotations

import functools
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

MIN_HISTORY = 24  # months: two seasons
MAX_FIT = 60  # months fitted, at most
HORIZON = 12  # months projected
ORIGINS = 12  # backtest origins: the last 12 month ends before the report month
LEVELS = (80, 95)  # prediction intervals, per cent
SEED = 2014  # simulations of 12-month totals: the same figures every run
PATHS = 2000  # simulated paths for the 12-month totals


@dataclass(frozen=True)
class Model:
    """A candidate model: its name in the paper data and its description for a reader."""

    name: str
    label: str
    seasonal: bool


DAMPED = Model("damped", "exponential smoothing with a damped trend", False)
SEASONAL = Model(
    "seasonal", "exponential smoothing with a damped trend and a 12-month season", True
)
MODELS = {m.name: m for m in (DAMPED, SEASONAL)}


_state = threading.local()


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """statsmodels loaded (it loads scipy: about a second), and BLAS kept to one thread
    while models are fitted: the fits are tiny, and OpenBLAS threads spinning beside the
    paper's other work made them 2 to 15 times slower on two cores. Re-entrant: only the
    outermost call sets the limit (setting it costs a couple of milliseconds)."""
    if getattr(_state, "inside", False):
        yield
        return
    import statsmodels.tsa.exponential_smoothing.ets  # noqa: F401
    from threadpoolctl import threadpool_limits

    _state.inside = True
    try:
        with threadpool_limits(limits=1, user_api="blas"):
            yield
    finally:
        _state.inside = False


def _limited(function: Callable) -> Callable:
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with one_blas_thread():
            return function(*args, **kwargs)

    return wrapper


def _ets(values: np.ndarray, model: Model):
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    return ETSModel(
        pd.Series(np.asarray(values, dtype=float)),  # a plain index: its prediction needs one
        error="add",
        trend="add",
        damped_trend=True,
        seasonal="add" if model.seasonal else None,
        seasonal_periods=12 if model.seasonal else None,
        initialization_method="heuristic",
    )


@_limited
def fit(values: np.ndarray, model: Model):
    """The model fitted to the last ``MAX_FIT`` values, or None when it cannot be fitted
    (a constant series, an optimiser failure): a projection is then not made, never a
    failed run."""
    values = np.asarray(values, dtype=float)[-MAX_FIT:]
    if len(values) < MIN_HISTORY or not np.isfinite(values).all() or np.ptp(values) == 0:
        return None
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            result = _ets(values, model).fit(disp=False)
    except (ValueError, np.linalg.LinAlgError, ArithmeticError):
        return None
    return result if np.isfinite(result.params).all() else None


@_limited
def forecast(result, steps: int) -> pd.DataFrame:
    """The fitted model's projection ``steps`` months on: ``mean`` and the bounds of each
    interval (``lo80``, ``hi80``, ``lo95``, ``hi95``), by step 1 … steps. Counts cannot be
    negative, so nothing is below 0."""
    return pd.DataFrame(_forecast(result, steps), index=pd.RangeIndex(1, steps + 1, name="step"))


def _forecast(result, steps: int) -> dict[str, np.ndarray]:
    n = int(result.nobs)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        prediction = result.get_prediction(start=n, end=n + steps - 1, method="exact")
        out = {"mean": np.asarray(prediction.predicted_mean, dtype=float)}
        for level in LEVELS:
            bounds = np.asarray(prediction.pred_int(alpha=1 - level / 100), dtype=float)
            out[f"lo{level}"], out[f"hi{level}"] = bounds[:, 0], bounds[:, 1]
    return {name: np.clip(values, 0, None) for name, values in out.items()}


@_limited
def total(result, steps: int = HORIZON) -> dict[str, float]:
    """The projected sum of the next ``steps`` months (e.g. requests in the next year)
    and its intervals, from ``PATHS`` simulated paths (a sum's interval is not the sum of
    the months' intervals)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        paths = result.simulate(
            steps, anchor="end", repetitions=PATHS, rng=np.random.default_rng(SEED)
        )
    sums = np.clip(np.asarray(paths, dtype=float), 0, None).sum(axis=0)
    out = {"mean": float(_forecast(result, steps)["mean"].sum())}
    for level in LEVELS:
        tail = (100 - level) / 2
        out[f"lo{level}"], out[f"hi{level}"] = (
            float(x) for x in np.percentile(sums, [tail, 100 - tail])
        )
    return out


@_limited
def backtest(values: np.ndarray, model: Model, origins: int = ORIGINS) -> pd.DataFrame:
    """The method run as at each of the last ``origins`` month ends before the last value
    (only those with ``MIN_HISTORY`` months behind them), projecting every month up to the
    last, beside what happened: one row per origin and target (``origin`` and ``target``
    are positions in ``values``; ``horizon`` = target − origin)."""
    values = np.asarray(values, dtype=float)
    last = len(values) - 1
    parts = []
    for origin in range(max(MIN_HISTORY - 1, last - origins), last):
        result = fit(values[: origin + 1], model)
        if result is None:
            continue
        steps = last - origin
        projected = _forecast(result, steps)
        projected["origin"] = np.full(steps, origin)
        projected["target"] = origin + np.arange(1, steps + 1)
        parts.append(projected)
    columns = ["origin", "target", "mean", *(f"{b}{lv}" for lv in LEVELS for b in ("lo", "hi"))]
    frame = pd.DataFrame(
        {c: np.concatenate([p[c] for p in parts]) if parts else [] for c in columns}
    )
    frame["horizon"] = frame["target"] - frame["origin"]
    frame["actual"] = values[frame["target"].to_numpy(dtype=int)]
    return frame


def wape(frame: pd.DataFrame) -> float:
    """Weighted absolute percentage error of a backtest: Σ|projected − actual| / Σ actual,
    in per cent (NaN when nothing was projected or nothing happened)."""
    actual = frame["actual"].to_numpy(dtype=float)
    if not len(frame) or actual.sum() <= 0:
        return float("nan")
    return float(100 * np.abs(frame["mean"].to_numpy(dtype=float) - actual).sum() / actual.sum())


@dataclass
class Projection:
    """One series' projection: the chosen model, its projection and 12-month total, every
    candidate's backtest and score — or, when none could be made, the reason."""

    series: str
    history: pd.Series  # value by period text, the months the series covers
    model: Model | None = None
    projection: pd.DataFrame = field(default_factory=pd.DataFrame)  # by period text
    total: dict[str, float] = field(default_factory=dict)
    backtests: dict[str, pd.DataFrame] = field(default_factory=dict)  # by model name
    scores: dict[str, float] = field(default_factory=dict)  # backtest WAPE by model name
    reason: str = ""

    @property
    def made(self) -> bool:
        return self.model is not None

    @property
    def backtest(self) -> pd.DataFrame:
        """The chosen model's backtest (periods as text)."""
        if self.model is None:
            return pd.DataFrame()
        return self.backtests.get(self.model.name, pd.DataFrame())


def choose(scores: dict[str, float], candidates: list[Model]) -> Model:
    """The candidate with the lowest backtest error; the first (the usual model for the
    series) when they tie or none could be backtested."""
    scored = [(scores.get(m.name, np.nan), i, m) for i, m in enumerate(candidates)]
    scored = [s for s in scored if np.isfinite(s[0])]
    if not scored:
        return candidates[0]
    return min(scored, key=lambda s: (round(s[0], 6), s[1]))[2]


def project(
    name: str, history: pd.Series, candidates: list[Model], horizon: int = HORIZON
) -> Projection:
    """Project ``history`` (values by month, a ``PeriodIndex`` or period text, oldest
    first, no gaps) ``horizon`` months on with the candidate that did best in the
    backtest. Fewer than ``MIN_HISTORY`` months: no projection, and the reason."""
    index = pd.PeriodIndex(history.index, freq="M")
    history = pd.Series(history.to_numpy(dtype=float), index=index.strftime("%Y-%m"))
    out = Projection(name, history)
    n = len(history)
    if n < MIN_HISTORY:
        out.reason = (
            f"the case records cover {n} month{'s' if n != 1 else ''} of this series and a "
            f"projection needs at least {MIN_HISTORY} (two years, to tell a season from a trend)"
        )
        return out
    with one_blas_thread():
        return _project(out, candidates, horizon)


def _project(out: Projection, candidates: list[Model], horizon: int) -> Projection:
    history = out.history
    index = pd.PeriodIndex(history.index, freq="M")
    values = history.to_numpy()
    for model in candidates:
        frame = backtest(values, model)
        labels = np.asarray(history.index, dtype=object)
        frame["origin"] = labels[frame["origin"].to_numpy(dtype=int)]
        frame["target"] = labels[frame["target"].to_numpy(dtype=int)]
        out.backtests[model.name] = frame
        out.scores[model.name] = wape(frame)
    chosen = choose(out.scores, candidates)
    result = fit(values, chosen)
    if result is None:
        fallback = [m for m in candidates if m is not chosen]
        result = fit(values, fallback[0]) if fallback else None
        chosen = fallback[0] if result is not None else chosen
    if result is None:
        out.reason = "the models could not be fitted to it (the series hardly varies)"
        return out
    out.model = chosen
    periods = pd.period_range(index[-1] + 1, periods=horizon, freq="M")
    out.projection = forecast(result, horizon).set_index(periods.strftime("%Y-%m"))
    out.total = total(result, horizon)
    return out


def coverage(backtest: pd.DataFrame, target: str, level: int) -> tuple[int, int]:
    """How many of the backtest's projections of ``target`` (one per origin) held the
    actual value within their ``level``% interval, and of how many."""
    rows = backtest[backtest["target"] == target]
    actual = rows["actual"].to_numpy(dtype=float)
    held = (rows[f"lo{level}"].to_numpy() <= actual) & (actual <= rows[f"hi{level}"].to_numpy())
    return int(held.sum()), len(rows)
