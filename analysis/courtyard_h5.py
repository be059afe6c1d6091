#!/usr/bin/env python3
"""Reading courtyard result files (docs/output-format.md) for the analysis scripts.

    from courtyard_h5 import open_run
    with open_run("run.h5") as run:
        run.dates                      # numpy datetime64[D], one per record
        run.metric("collection_rate")  # MetricInfo(name, units, long_name)
        run.subdistrict_series("disorder")       # float64 (time)
        run.courtyard_series("disorder", 3)      # float32 (time)
        run.intervention_starts()                # [InterventionStart(step, index, name, courtyards)]
        run.households()                         # Households (the /households group) or None
        run.sweep                                # SweepRun (its design row) for a sweep's run, else None

    sweep_labels([run.sweep, ...])   # ["renter=0.3, without=covenant, rep 2", ...]

One place for what plot_run.py, courtyard_map.py and summary.py all need: the time axis decoded
from "days since YYYY-MM-DD", metric attributes, courtyard names and ids, event type names from
the file's own enum, intervention names, and the month -> record rule. Data are read with h5py
exactly as stored (float32 stays float32).

Needs Debian's /usr/bin/python3 with python3-h5py and python3-numpy.
"""

import dataclasses
import datetime
import glob
import math
import os
import re
import sys

import h5py
import numpy as np

# /households/tenure values (flag_values 0, 1, 2) as people say them
TENURE_NAMES = {0: "owner-occupier", 1: "renter", 2: "vacant"}


class ResultFileError(Exception):
    """The file is missing, not a courtyard result file, or lacks what was asked for."""


@dataclasses.dataclass(frozen=True)
class MetricInfo:
    name: str
    units: str
    long_name: str

    def axis_label(self, width=None):
        """'long name [units]', with CF's dimensionless "1" spelled out; wrapped to `width` if given."""
        units = "dimensionless" if self.units in ("1", "") else self.units
        text = f"{self.long_name or self.name} [{units}]"
        if width:
            import textwrap
            text = "\n".join(textwrap.wrap(text, width))
        return text


@dataclasses.dataclass(frozen=True)
class InterventionStart:
    step: int
    index: int               # the intervention's index (the event's subject)
    name: str                # its name, or "intervention <index>" when the file does not say
    courtyards: tuple        # ids of the courtyards where it started at this step


@dataclasses.dataclass
class Households:
    """The /households group: one entry per snapshot flat, tenure and paid per record."""
    courtyard: np.ndarray    # int32 (household)
    slot: np.ndarray         # int32 (household)
    stairwell: np.ndarray    # int16 (household), from 0
    floor: np.ndarray        # int16 (household), from 1
    step: np.ndarray         # int32 (time)
    tenure: h5py.Dataset     # int8 (time, household): 0 owner-occupier, 1 renter, 2 vacant
    paid: h5py.Dataset       # int8 (time, household): 1 paid at the last monthly collection
    # int8 (time, household): CivicFlag bits (docs/output-format.md); None in files written before it
    civic: "h5py.Dataset | None" = None

    def courtyard_ids(self):
        return sorted(set(int(c) for c in np.unique(self.courtyard)))


def _text(value):
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.ndarray) and value.shape == ():
        return _text(value[()])
    return str(value) if not isinstance(value, str) else value


def _plain(value):
    """An attribute as a plain Python value (numpy scalars to int/float, bytes to str)."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.generic):
        return value.item()
    return value


def parse_days_since(units):
    """'days since 2015-01-05' -> numpy datetime64[D] of that date."""
    m = re.fullmatch(r"\s*days since (\d{4}-\d{2}-\d{2})(?:[ T]00:00(?::00)?)?\s*", units or "")
    if not m:
        raise ResultFileError(f"time units {units!r} are not 'days since YYYY-MM-DD'")
    return np.datetime64(m.group(1), "D")


def decode_times(days, units):
    """Days since the date in `units` -> datetime64[D] (the values are whole days: 7 per step)."""
    start = parse_days_since(units)
    return start + np.rint(np.asarray(days, dtype=np.float64)).astype("int64").astype("timedelta64[D]")


def month_to_step(month):
    """Month m of the run -> the step nearest to it: round(m * 52 / 12) (half away from zero)."""
    return int(math.floor(month * 52 / 12 + 0.5))


def parse_months(text):
    """'0,6,12,24' -> [0, 6, 12, 24] (non-negative numbers; fractions allowed)."""
    months = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            value = float(part)
        except ValueError:
            raise ValueError(f"month {part!r} is not a number") from None
        if value < 0 or not math.isfinite(value):
            raise ValueError(f"month {part!r} must be 0 or more")
        months.append(int(value) if value == int(value) else value)
    if not months:
        raise ValueError("no months given")
    return months


# --- the scenario text: intervention names, for files without /parameters/intervention_name ---

_TOKEN = re.compile(r"""
    (?P<space>\s+|\#[^\n]*)
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<punct>[{}\[\]:;,<>])
  | (?P<word>[^\s{}\[\]:;,<>"'\#]+)
""", re.VERBOSE)


def _unescape(body):
    """The C-style escapes of protobuf text format, on the string's bytes, decoded as UTF-8."""
    out = bytearray()
    i = 0
    raw = body.encode("utf-8")
    simple = {ord("n"): 10, ord("t"): 9, ord("r"): 13, ord("a"): 7, ord("b"): 8, ord("f"): 12,
              ord("v"): 11, ord("\\"): 92, ord("'"): 39, ord('"'): 34, ord("?"): 63}
    while i < len(raw):
        c = raw[i]
        if c != 92 or i + 1 == len(raw):
            out.append(c)
            i += 1
            continue
        n = raw[i + 1]
        if n in simple:
            out.append(simple[n])
            i += 2
        elif 48 <= n <= 55:  # octal, up to 3 digits
            j = i + 1
            while j < len(raw) and j < i + 4 and 48 <= raw[j] <= 55:
                j += 1
            out.append(int(raw[i + 1:j], 8) & 0xFF)
            i = j
        elif n in (ord("x"), ord("X")):
            j = i + 2
            while j < len(raw) and j < i + 4 and chr(raw[j]) in "0123456789abcdefABCDEF":
                j += 1
            out.append(int(raw[i + 2:j] or b"0", 16) & 0xFF)
            i = j
        else:
            out.append(n)
            i += 2
    return out.decode("utf-8", "replace")


def scenario_intervention_names(text):
    """The `name` of each top-level `interventions { ... }` of a scenario in text format, in order
    (None where a block has no name), and the index of the first one that is a package the engine
    expands into several interventions (package or one_two_three_four), or None. From that package on, the
    scenario's order no longer matches the intervention indexes of /events.
    """
    tokens = [(m.lastgroup, m.group(m.lastgroup)) for m in _TOKEN.finditer(text) if m.lastgroup != "space"]
    names, package = [], None
    depth, i = 0, 0
    inside = False  # in a top-level interventions block
    while i < len(tokens):
        kind, value = tokens[i]
        if kind == "punct" and value in "{<":
            depth += 1
        elif kind == "punct" and value in "}>":
            depth -= 1
            if depth == 0:
                inside = False
        elif kind == "word" and depth == 0 and value == "interventions":
            j = i + 1
            if j < len(tokens) and tokens[j] == ("punct", ":"):
                j += 1
            if j < len(tokens) and tokens[j][0] == "punct" and tokens[j][1] in "{<":
                names.append(None)
                inside = True
                depth += 1
                i = j + 1
                continue
        elif kind == "word" and depth == 1 and inside:
            if value in ("one_two_three_four", "package") and package is None:
                package = len(names) - 1
            if value == "name" and i + 2 < len(tokens) and tokens[i + 1] == ("punct", ":"):
                j, parts = i + 2, []
                while j < len(tokens) and tokens[j][0] == "string":  # adjacent strings concatenate
                    parts.append(_unescape(tokens[j][1][1:-1]))
                    j += 1
                if parts:
                    names[-1] = "".join(parts)
                    i = j
                    continue
        i += 1
    return names, package


class Run:
    """One result file, open for reading (use open_run(path) as a context manager)."""

    def __init__(self, path):
        self.path = os.fspath(path)
        if not os.path.isfile(self.path):
            raise ResultFileError(f"{self.path}: no such file")
        try:
            self.file = h5py.File(self.path, "r")
        except OSError as e:
            raise ResultFileError(f"{self.path}: not an HDF5 file ({e})") from None
        f = self.file
        if "timeseries" not in f or "engine_version" not in f.attrs:
            self.file.close()
            raise ResultFileError(f"{self.path}: not a courtyard result file (no /timeseries)")
        self.attrs = {k: _plain(v) for k, v in f.attrs.items()}
        self.stem = os.path.splitext(os.path.basename(self.path))[0]
        self.scenario_name = str(self.attrs.get("scenario_name", "")) or self.stem
        self.seed = int(self.attrs.get("seed", 0))
        self.complete = int(self.attrs.get("complete", 0)) == 1
        self.status = str(self.attrs.get("status", "?"))
        self.subdistrict_name = str(self.attrs.get("subdistrict_name", "subdistrict"))
        self.record_every = int(self.attrs.get("record_every", 1))

        ts = f["timeseries"]
        time = ts["time"]
        self.time_units = _text(time.attrs.get("units", ""))
        self.days = time[()]
        self.dates = decode_times(self.days, self.time_units)
        self.start_date = parse_days_since(self.time_units)
        self.steps = ts["step"][()].astype(np.int64) if "step" in ts else np.rint(self.days / 7).astype(np.int64)
        self.courtyard_ids = ts["courtyard"][()].astype(np.int64)

        # metrics: the (time, courtyard) arrays of /timeseries, in the file's order
        self.metrics = {}
        for name, ds in ts.items():
            if name in ("time", "courtyard", "step") or not isinstance(ds, h5py.Dataset) or ds.ndim != 2:
                continue
            self.metrics[name] = MetricInfo(name, _text(ds.attrs.get("units", "")),
                                            _text(ds.attrs.get("long_name", name)))

        cy = f["courtyards"] if "courtyards" in f else None
        if cy is not None and "name" in cy:
            self.courtyard_names = [_text(n) for n in cy["name"].asstr()[()]]
        else:
            self.courtyard_names = [f"courtyard {c}" for c in self.courtyard_ids]
        self.courtyard_table = cy
        self._scenario_text = None
        self._intervention_names = None
        self.sweep = sweep_run_of(self.path)  # its design row when it is a sweep's run

    # --- life cycle ---
    def close(self):
        self.file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # --- description ---
    @property
    def label(self):
        """How a line of this file is labelled: the scenario name and the seed."""
        return f"{self.scenario_name} (seed {self.seed})"

    @property
    def scenario_text(self):
        if self._scenario_text is None:
            p = self.file.get("parameters/scenario.txtpb")
            self._scenario_text = p.asstr()[()] if p is not None else ""
        return self._scenario_text

    def scenario_without_seed(self):
        """The effective scenario with the run's seed line removed: equal for runs of one scenario."""
        return re.sub(r"(?m)^\s*seed:\s*\d+\s*$", "", self.scenario_text)

    def metric(self, name):
        if name not in self.metrics:
            raise ResultFileError(f"{self.path}: no metric {name!r}; it has: {', '.join(self.metrics)}")
        return self.metrics[name]

    def date_of_step(self, step):
        return self.start_date + np.timedelta64(7 * int(step), "D")

    # --- courtyards ---
    def resolve_courtyard(self, key):
        """A courtyard name, or an id (digits) when no courtyard has that name -> id."""
        key = str(key)
        if key in self.courtyard_names:
            return self.courtyard_names.index(key)
        if re.fullmatch(r"\d+", key) and int(key) < len(self.courtyard_names):
            return int(key)
        close = [n for n in self.courtyard_names if key.lower() in n.lower()][:5]
        hint = f"; did you mean {', '.join(repr(n) for n in close)}?" if close else ""
        raise ResultFileError(f"{self.path}: no courtyard named {key!r} (and no id {key}){hint}")

    def courtyard_table_column(self, name):
        if self.courtyard_table is None or name not in self.courtyard_table:
            raise ResultFileError(f"{self.path}: no /courtyards/{name}")
        return self.courtyard_table[name][()]

    # --- series ---
    def subdistrict_series(self, metric):
        self.metric(metric)
        return self.file["subdistrict"][metric][()]

    def courtyard_series(self, metric, courtyard):
        self.metric(metric)
        return self.file["timeseries"][metric][:, int(courtyard)]

    def timeseries(self, metric):
        """(time, courtyard) float32, as stored."""
        self.metric(metric)
        return self.file["timeseries"][metric][()]

    # --- records by month ---
    def record_for_step(self, step):
        """Index of the record whose step is nearest to `step` (the earlier on a tie)."""
        if len(self.steps) == 0:
            raise ResultFileError(f"{self.path}: the file holds no records")
        return int(np.argmin(np.abs(self.steps - int(step))))

    def record_for_month(self, month):
        """(record index, target step) for month m: the record nearest to step round(m*52/12)."""
        target = month_to_step(month)
        return self.record_for_step(target), target

    def month_is_within(self, month):
        """False when month m lies beyond the last record by more than half a record interval."""
        target = month_to_step(month)
        return len(self.steps) > 0 and target <= self.steps[-1] + self.record_every / 2

    # --- events ---
    def event_types(self):
        """{name: value} of the /events type enum, as stored in the file."""
        if "events" not in self.file:
            return {}
        enum = h5py.check_enum_dtype(self.file["events"].dtype["type"])
        return dict(enum) if enum else {}

    def events(self, type_name=None):
        """The /events rows (numpy structured array), optionally only those of one type name."""
        if "events" not in self.file:
            return np.zeros(0)
        rows = self.file["events"][()]
        if type_name is None:
            return rows
        types = self.event_types()
        if type_name not in types:
            return rows[:0]
        return rows[rows["type"] == types[type_name]]

    def intervention_names(self):
        """Names by intervention index: /parameters/intervention_name when the file has it, else
        the scenario text's `interventions { name: ... }` in order (up to a package that expands)."""
        if self._intervention_names is None:
            ds = self.file.get("parameters/intervention_name")
            if ds is not None:
                self._intervention_names = [_text(n) for n in ds.asstr()[()]]
            else:
                names, package = scenario_intervention_names(self.scenario_text)
                self._intervention_names = names if package is None else names[:package]
        return self._intervention_names

    def intervention_name(self, index):
        names = self.intervention_names()
        if 0 <= index < len(names) and names[index]:
            return names[index]
        return f"intervention {index}"

    def intervention_starts(self, courtyard=None):
        """The intervention_start events, one per (step, intervention), in step order; with
        `courtyard`, only those that started in that courtyard."""
        rows = self.events("intervention_start")
        if courtyard is not None and len(rows):
            rows = rows[rows["courtyard"] == int(courtyard)]
        starts = {}
        for r in rows:
            key = (int(r["step"]), int(r["subject"]))
            starts.setdefault(key, []).append(int(r["courtyard"]))
        return [InterventionStart(step, index, self.intervention_name(index), tuple(sorted(cys)))
                for (step, index), cys in sorted(starts.items())]

    # --- household snapshots ---
    def households(self):
        """The /households group as a Households, or None when the run recorded no snapshots."""
        g = self.file.get("households")
        if g is None:
            return None
        return Households(courtyard=g["courtyard"][()], slot=g["slot"][()], stairwell=g["stairwell"][()],
                          floor=g["floor"][()], step=g["step"][()].astype(np.int64), tenure=g["tenure"],
                          paid=g["paid"], civic=g.get("civic"))

    def labels(self):
        """The scenario's labels (/parameters/label_key, label_zh, label_en): {key: (zh, en)}, empty strings
        where a language was not given; {} when the scenario gave none."""
        p = self.file.get("parameters")
        if p is None or "label_key" not in p:
            return {}
        cols = [[_text(v) for v in p[n].asstr()[()]] for n in ("label_key", "label_zh", "label_en")]
        return {k: (zh, en) for k, zh, en in zip(*cols)}


# --- runs of a sweep: their row of the folder's design.csv -------------------------------------------

@dataclasses.dataclass(frozen=True)
class SweepRun:
    """A run of a sweep folder (DIR/runs/run-NNNNN.h5 or .summary.h5 beside DIR/design.csv): its row."""
    folder: str              # DIR
    run: int
    point: int
    replicate: int
    seed: int
    params: tuple            # ((column, value as text), ...) in design.csv's order: one per axis or field


_RUN_FILE = re.compile(r"run-(\d+)(?:\.summary)?\.h5")
_design_cache = {}


def read_design(folder):
    """DIR/design.csv as (parameter columns, {run: row dict}) (cached); None when absent."""
    path = os.path.join(folder, "design.csv")
    try:
        stamp = os.stat(path).st_mtime_ns
    except OSError:
        return None
    cached = _design_cache.get(path)
    if cached and cached[0] == stamp:
        return cached[1]
    import csv
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if not rows or rows[0][:4] != ["run", "point", "replicate", "seed"]:
        return None
    columns = rows[0][4:]
    by_run = {}
    for row in rows[1:]:
        if len(row) == len(rows[0]):
            by_run[int(row[0])] = row
    _design_cache[path] = (stamp, (columns, by_run))
    return columns, by_run


def sweep_run_of(path):
    """The SweepRun of a file inside a sweep folder's runs/, or None for any other file."""
    path = os.path.abspath(os.fspath(path))
    m = _RUN_FILE.fullmatch(os.path.basename(path))
    runs_dir = os.path.dirname(path)
    if not m or os.path.basename(runs_dir) != "runs":
        return None
    folder = os.path.dirname(runs_dir)
    design = read_design(folder)
    if design is None:
        return None
    columns, by_run = design
    row = by_run.get(int(m.group(1)))
    if row is None:
        return None
    return SweepRun(folder, int(row[0]), int(row[1]), int(row[2]), int(row[3]), tuple(zip(columns, row[4:])))


def short_parameter_names(columns):
    """{column: short name}: a field path (courtyards[0].fee_per_month) shortened to its last part
    (fee_per_month) where that stays unambiguous among `columns`; names without a path kept."""
    def short(c):
        return re.sub(r"\[\d+\]$", "", c.rsplit(".", 1)[-1]) if ("." in c or "[" in c) else c
    shorts = [short(c) for c in columns]
    return {c: (s if s and shorts.count(s) == 1 and s not in columns[:i] + columns[i + 1:] else c)
            for i, (c, s) in enumerate(zip(columns, shorts))}


def sweep_labels(sweep_runs, replicate=True):
    """A label per SweepRun from its parameter values, "renter=0.3, without=covenant, rep 2": the
    columns whose values differ among the runs given (all columns when none differ), then the
    replicate (with `replicate`). None stays None."""
    known = [s for s in sweep_runs if s is not None]
    if not known:
        return [None for _ in sweep_runs]
    columns = []
    for s in known:
        for c, _ in s.params:
            if c not in columns:
                columns.append(c)
    values = {c: {dict(s.params).get(c) for s in known} for c in columns}
    shown = [c for c in columns if len(values[c]) > 1] or columns
    names = short_parameter_names(shown)
    out = []
    for s in sweep_runs:
        if s is None:
            out.append(None)
            continue
        p = dict(s.params)
        parts = [f"{names[c]}={p[c]}" for c in shown if c in p]
        if replicate:
            parts.append(f"rep {s.replicate}")
        out.append(", ".join(parts) if parts else f"run {s.run}")
    return out


def open_run(path):
    """Opens a result file; ResultFileError when it is not one. Use as `with open_run(p) as run:`."""
    return Run(path)


def warn_if_incomplete(run, stream=sys.stderr):
    if not run.complete:
        print(f"warning: {run.path} is not complete (status {run.status}, "
              f"{run.attrs.get('steps_done')} of {run.attrs.get('steps_planned')} steps)", file=stream)


# Okabe & Ito's colour-blind-safe palette, in an order that keeps the strongest contrasts first
# (yellow last: it is hard to see as a line on white).
OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#000000", "#F0E442"]
# Fonts that can draw Chinese courtyard names, used as fallbacks when installed (fonts-noto-cjk,
# fonts-wqy-zenhei, ...); without any of them CJK characters show as boxes.
CJK_FONTS = ["Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
             "WenQuanYi Micro Hei", "AR PL UMing CN", "Droid Sans Fallback"]


def pyplot():
    """matplotlib.pyplot on the Agg backend (files only, no display), with a CJK fallback font
    when one is installed (matplotlib >= 3.6 falls back font by font, glyph by glyph)."""
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import font_manager
    import matplotlib.pyplot as plt
    global _cjk_font
    installed = {f.name for f in font_manager.fontManager.ttflist}
    fallbacks = [name for name in CJK_FONTS if name in installed]
    if not fallbacks:  # matplotlib's font cache may predate the font's installation: look for the files
        for path in sorted(glob.glob("/usr/share/fonts/**/*CJK*", recursive=True)
                           + glob.glob("/usr/share/fonts/**/wqy-*", recursive=True)
                           + glob.glob(os.path.expanduser("~/.local/share/fonts/**/*CJK*"), recursive=True)):
            if path.lower().endswith((".ttf", ".otf", ".ttc")):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    pass
        installed = {f.name for f in font_manager.fontManager.ttflist}
        fallbacks = [name for name in CJK_FONTS if name in installed]
    _cjk_font = bool(fallbacks)
    if fallbacks:
        matplotlib.rcParams["font.family"] = ["DejaVu Sans"] + fallbacks
    else:  # one note from note_missing_glyphs() instead of a warning per character and drawing
        import warnings
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from current font")
    return plt


_cjk_font = None


def note_missing_glyphs(texts, prog, stream=sys.stderr):
    """After pyplot(): one warning when some of `texts` (names to be drawn) have CJK characters and
    no CJK font is installed."""
    if _cjk_font is not False:
        return
    if any(re.search(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]", t or "") for t in texts):
        print(f"{prog}: warning: no CJK font is installed, so Chinese characters show as boxes "
              f"(install one: sudo apt-get install fonts-noto-cjk)", file=stream)


def iso(date):
    """numpy datetime64 -> 'YYYY-MM-DD'."""
    return str(np.datetime64(date, "D"))


def to_datetime(date):
    """numpy datetime64 -> datetime.date (for matplotlib)."""
    return datetime.date.fromisoformat(iso(date))
