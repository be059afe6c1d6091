"""Chinese (UTF-8) names end to end (ctest: cli_chinese_names).

A scenario whose scenario, subdistrict, community, courtyard, kind, intervention and proposal names are
Chinese (tests/cli/data/chinese_names.txtpb, and the same as JSON) must: validate and run from both
files with the same numbers; take Chinese values through --set; store every name as a variable-length
UTF-8 string (H5T_CSET_UTF8) that h5py and xarray read back equal; print the names intact in
`courtyard run`, `info` and `demo`; name the default output file after the scenario; and be drawn by
plot_run.py and courtyard_map.py with a CJK font when one is installed (no missing-glyph warnings), or
with one clear warning when none is.
usage: chinese_names_test.py COURTYARD_BINARY SOURCE_DIR WORK_DIR
Each check prints PASS/FAIL; the last line is "N passed, M failed"; exit 1 on any failure.
"""
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np

BIN, SRC, WORK = (os.path.abspath(a) for a in sys.argv[1:4])
DATA = os.path.join(SRC, "tests", "cli", "data")
TXT, JSON = os.path.join(DATA, "chinese_names.txtpb"), os.path.join(DATA, "chinese_names.json")
ANALYSIS = os.path.join(SRC, "analysis")
PY = sys.executable
results = []

NAMES = ["江东民居二区", "龙舟路60号院新五栋", "老旧院落-1", "老旧院落-2", "老旧院落-3"]
KINDS = ["", "", "老旧院落", "老旧院落", "老旧院落"]
COMMUNITIES = ["牛沙路", "牛沙路", "五福桥", "牛沙路", "五福桥"]  # the kind's communities dealt in turn
GLYPH_WARNING = "missing from current font"
NO_FONT_WARNING = "no CJK font is installed"


def check(name, ok, detail=""):
    results.append(bool(ok))
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else f"  [{str(detail)[-800:]}]"))


def run(args, cwd=None, env=None, timeout=300):
    return subprocess.run(args, capture_output=True, text=True, encoding="utf-8", errors="replace",
                          cwd=cwd, env=env, timeout=timeout)


def courtyard(*args, **kw):
    return run([BIN, *args], **kw)


def is_utf8(type_id):
    return type_id.get_class() == h5py.h5t.STRING and type_id.get_cset() == h5py.h5t.CSET_UTF8


def cjk_font_installed():
    """Whether analysis/courtyard_h5.pyplot() finds a CJK font (asked as the scripts will ask)."""
    code = "import sys; sys.path.insert(0, sys.argv[1]); import courtyard_h5 as ch5; ch5.pyplot(); print(ch5._cjk_font)"
    r = run([PY, "-c", code, ANALYSIS], env=plot_env())
    return r.stdout.strip() == "True"


def test_load_and_run():
    for path in (TXT, JSON):
        r = courtyard("validate", path)
        check(f"validate {os.path.basename(path)}", r.returncode == 0 and "5 courtyards" in r.stdout, r.stdout + r.stderr)
    a, b = os.path.join(WORK, "text.h5"), os.path.join(WORK, "json.h5")
    r = courtyard("run", TXT, "-o", a, "--force", "--progress", "none")
    check("run prints the Chinese scenario name intact", r.returncode == 0 and "scenario   院落名称 (sha256" in r.stdout,
          r.stdout + r.stderr)
    r = courtyard("run", JSON, "-o", b, "--force", "--progress", "none", "--quiet")
    check("run the JSON scenario", r.returncode == 0, r.stderr)
    with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb:
        same = all(np.array_equal(fa["timeseries"][m][()], fb["timeseries"][m][()], equal_nan=True)
                   for m in fa["timeseries"] if fa["timeseries"][m].dtype.kind == "f")
        check("text and JSON scenarios give the same numbers", same)
        check("text and JSON scenarios give the same names",
              list(fa["courtyards/name"].asstr()[()]) == list(fb["courtyards/name"].asstr()[()]))
    return a


def test_hdf5(path):
    with h5py.File(path, "r") as f:
        cy = f["courtyards"]
        for column, want in (("name", NAMES), ("kind", KINDS), ("community", COMMUNITIES)):
            ds = cy[column]
            check(f"/courtyards/{column} is a variable-length UTF-8 string (H5T_CSET_UTF8)",
                  is_utf8(ds.id.get_type()) and h5py.check_string_dtype(ds.dtype).length is None)
            got = list(ds.asstr()[()])
            check(f"/courtyards/{column} reads back equal with h5py", got == want, got)
        for attr, want in (("scenario_name", "院落名称"), ("subdistrict_name", "双桂路街道"), ("title", "courtyard run: 院落名称")):
            check(f"root attribute {attr} is UTF-8 and equal", is_utf8(f.attrs.get_id(attr).get_type()) and f.attrs[attr] == want,
                  f.attrs.get(attr))
        check("/subdistrict long_name names the subdistrict", "双桂路街道" in f["subdistrict"].attrs["long_name"])
        ivs = list(f["parameters/intervention_name"].asstr()[()])
        check("/parameters/intervention_name holds the Chinese intervention names", ivs[:2] == ["清洁行动", "坝坝会"], ivs)
        text = f["parameters/scenario.txtpb"].asstr()[()]
        check("/parameters/scenario.txtpb holds the names as UTF-8, not octal escapes",
              'name: "江东民居二区"' in text and "\\345" not in text, text[:300])
        hh = f["households/courtyard"][()]
        check("household snapshots of 江东民居二区 (courtyard 0)", len(hh) > 0 and set(hh.tolist()) == {0})
    import xarray as xr
    ds = xr.open_dataset(path, group="courtyards", engine="h5netcdf")
    for column, want in (("name", NAMES), ("kind", KINDS), ("community", COMMUNITIES)):
        got = [str(v) for v in ds[column].values]
        check(f"xarray reads /courtyards/{column} back equal", got == want, got)
    ds.close()
    ts = xr.open_dataset(path, group="timeseries", engine="h5netcdf")
    check("xarray reads /timeseries", ts["collection_rate"].shape[1] == len(NAMES), ts["collection_rate"].shape)
    ts.close()


def test_set():
    out = os.path.join(WORK, "set.h5")
    r = courtyard("run", TXT, "-o", out, "--force", "--progress", "none", "--quiet",
                  "--set", "subdistrict.name=锦江区", "--set", "courtyards[1].community=五福桥",
                  "--set", "run.output.household_snapshots[1]=老旧院落-2", "--set", "interventions[0].name=大扫除",
                  "--set", "courtyard_kinds[0].communities[1]=五福桥")
    check("--set takes Chinese values", r.returncode == 0, r.stderr)
    if r.returncode != 0:
        return
    with h5py.File(out, "r") as f:
        check("--set subdistrict.name=锦江区 is stored", f.attrs["subdistrict_name"] == "锦江区", f.attrs["subdistrict_name"])
        got = list(f["courtyards/community"].asstr()[()])
        check("--set Chinese communities are stored", got == ["牛沙路", "五福桥", "五福桥", "五福桥", "五福桥"], got)
        check("--set Chinese intervention name is stored", f["parameters/intervention_name"].asstr()[0] == "大扫除")
        check("--set a Chinese snapshot courtyard", set(f["households/courtyard"][()].tolist()) == {0, 3})
    r = courtyard("info", out)
    check("info prints both snapshot courtyards' names intact",
          r.returncode == 0 and "  0  江东民居二区 (86 households)" in r.stdout and "  3  老旧院落-2 (" in r.stdout, r.stdout[-600:])
    r = courtyard("validate", TXT, "--set", "courtyards[0].community=东城")
    check("--set an unknown Chinese community: FILE:LINE:COL counts characters, the name intact",
          r.returncode == 65 and '--set[0]:1:25: courtyards[0].community: unknown community "东城"' in r.stderr, r.stderr)


def test_cli_printing(path):
    r = courtyard("info", path)
    check("info prints the scenario and the snapshot courtyard intact",
          r.returncode == 0 and "scenario    院落名称, sha256" in r.stdout and "  0  江东民居二区 (86 households)" in r.stdout,
          r.stdout[-600:])
    r = courtyard("print", TXT)
    check("print shows Chinese names unescaped", r.returncode == 0 and 'name: "龙舟路60号院新五栋"' in r.stdout, r.stdout[:400])
    r = courtyard("print", TXT, "--format", "json")
    check("print --format json shows Chinese names unescaped", r.returncode == 0 and '"name": "老旧院落"' in r.stdout,
          r.stdout[:400])
    # without -o the output is named after the scenario
    folder = os.path.join(WORK, "default-name")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    r = courtyard("run", TXT, "--progress", "none", "--quiet", cwd=folder)
    check("the default output file is named after the Chinese scenario name",
          r.returncode == 0 and os.listdir(folder) == ["院落名称.h5"], os.listdir(folder))


def plot_env(extra=None):
    env = dict(os.environ, MPLCONFIGDIR=os.path.join(WORK, "mplconfig"))
    env.update(extra or {})
    return env


def test_plots(path, have_font):
    out = os.path.join(WORK, "plots")
    shutil.rmtree(out, ignore_errors=True)
    runs = {
        "plot_run.py": [os.path.join(ANALYSIS, "plot_run.py"), path, "--courtyard", "江东民居二区", "-o", out],
        "courtyard_map.py": [os.path.join(ANALYSIS, "courtyard_map.py"), path, "--courtyard", "江东民居二区",
                             "--months", "0,1,2,3", "-o", os.path.join(out, "map.png")],
    }
    for name, args in runs.items():
        r = run([PY, *args], env=plot_env())
        check(f"{name} draws a Chinese courtyard name", r.returncode == 0, r.stderr)
        if have_font:
            check(f"{name}: a CJK font is installed, so no missing glyphs and no warning",
                  GLYPH_WARNING not in r.stderr and NO_FONT_WARNING not in r.stderr, r.stderr)
        else:
            check(f"{name}: no CJK font, one clear warning", r.stderr.count(NO_FONT_WARNING) == 1, r.stderr)
    pngs = [f for f in os.listdir(out) if f.endswith(".png")] if os.path.isdir(out) else []
    check("the pictures are PNG files", "map.png" in pngs and len(pngs) >= 2, pngs)

    # no CJK font (simulated: none of the fallbacks is looked for): one warning, no glyph warnings, a picture
    code = ("import runpy, sys; sys.path.insert(0, sys.argv[1]); import courtyard_h5; courtyard_h5.CJK_FONTS = []; "
            "sys.argv = sys.argv[2:]; runpy.run_path(sys.argv[0], run_name='__main__')")
    nofont = os.path.join(WORK, "nofont.png")
    r = run([PY, "-c", code, ANALYSIS, os.path.join(ANALYSIS, "courtyard_map.py"), path, "--courtyard", "江东民居二区",
             "--months", "0,3", "-o", nofont], env=plot_env())
    check("without a CJK font: one clear warning naming fonts-noto-cjk, no glyph warnings, a picture",
          r.returncode == 0 and r.stderr.count(NO_FONT_WARNING) == 1 and "fonts-noto-cjk" in r.stderr
          and GLYPH_WARNING not in r.stderr and os.path.exists(nofont), r.stderr)

    # the CJK font really draws the characters: no glyph is missing from the fonts matplotlib uses
    if have_font:
        code = ("import sys, warnings; sys.path.insert(0, sys.argv[1]); import courtyard_h5 as ch5; plt = ch5.pyplot(); "
                "fig, ax = plt.subplots(); ax.set_title('江东民居二区 牛沙路 龙舟路60号院新五栋'); "
                "warnings.simplefilter('always'); "
                "with_w = warnings.catch_warnings(record=True); caught = with_w.__enter__(); fig.savefig(sys.argv[2]); "
                "print('missing' if any('missing from current font' in str(w.message) for w in caught) else 'drawn'); "
                "print(plt.rcParams['font.family'])")
        r = run([PY, "-c", code, ANALYSIS, os.path.join(WORK, "glyphs.png")], env=plot_env())
        check("matplotlib draws CJK text with the installed font (no missing glyph)",
              r.returncode == 0 and r.stdout.startswith("drawn") and "CJK" in r.stdout, r.stdout + r.stderr)

    # summary.py in the C locale: the CSV keeps the names (Python's UTF-8 mode under C)
    r = run([PY, os.path.join(ANALYSIS, "summary.py"), path, "--courtyard", "龙舟路60号院新五栋", "--months", "0,3",
             "--metrics", "collection_rate"], env=plot_env({"LC_ALL": "C", "LANG": "C"}))
    check("summary.py --courtyard 龙舟路60号院新五栋 in the C locale", r.returncode == 0 and "龙舟路60号院新五栋" in r.stdout
          and "牛沙路" not in r.stderr, r.stdout + r.stderr)


def test_demo(have_font):
    out = os.path.join(WORK, "roof-demo")
    r = courtyard("demo", "roof-insulation", "--seeds", "1", "-o", out, env=plot_env(), timeout=600)
    first = r.stdout.splitlines()[0] if r.stdout else ""
    check("demo roof-insulation follows 龙舟路60号院新五栋 and prints it intact",
          r.returncode == 0 and first == "roof-insulation-meeting: 龙舟路60号院新五栋", first + r.stderr)
    check("demo roof-insulation draws its pictures", os.path.exists(os.path.join(out, "courtyard-map.png")), r.stderr)
    if have_font:  # what the plotting scripts say goes to the demo's log, not to the trainer's terminal
        log = ""
        if os.path.exists(os.path.join(out, "demo.log")):
            with open(os.path.join(out, "demo.log"), encoding="utf-8") as f:
                log = f.read()
        check("demo pictures: no missing glyphs", all(w not in text for w in (GLYPH_WARNING, NO_FONT_WARNING)
                                                     for text in (r.stderr, log)), r.stderr + log)


def test_names_do_not_change_numbers():
    """Renaming every community, courtyard and kind of the default scenario leaves every number alone."""
    demo = os.path.join(SRC, "scenarios", "demo_district.txtpb")
    a, b = os.path.join(WORK, "names-a.h5"), os.path.join(WORK, "names-b.h5")
    renames = ["communities[0].name=East", "communities[1].name=West", "courtyards[0].community=East",
               "courtyard_kinds[0].communities[0]=East", "courtyard_kinds[0].communities[1]=West",
               "courtyard_kinds[1].communities[0]=West", "courtyards[0].name=Zone 2", "subdistrict.name=S",
               "courtyard_kinds[0].name=old", "interventions[0].targets.kind=old", "interventions[0].name=x"]
    common = ["--steps", "12", "--force", "--progress", "none", "--quiet"]
    ra = courtyard("run", demo, "-o", a, *common)
    rb = courtyard("run", demo, "-o", b, *common, *[x for r in renames for x in ("--set", r)])
    check("the default scenario runs with and without renamed communities, courtyards and kinds",
          ra.returncode == 0 and rb.returncode == 0, ra.stderr + rb.stderr)
    if ra.returncode or rb.returncode:
        return
    differ = []
    with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and h5py.check_string_dtype(obj.dtype) is None:
                if obj[()].tobytes() != fb[name][()].tobytes():
                    differ.append(name)
        fa.visititems(visit)
        names_differ = list(fa["courtyards/community"].asstr()[()]) != list(fb["courtyards/community"].asstr()[()])
    check("renaming changes no number (every numeric dataset byte-identical)", not differ and names_differ, differ)


def main():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    have_font = cjk_font_installed()
    print(f"note: a CJK font is {'installed' if have_font else 'NOT installed (fonts-noto-cjk): checking the warning instead'}")
    path = test_load_and_run()
    test_hdf5(path)
    test_set()
    test_cli_printing(path)
    test_names_do_not_change_numbers()
    test_plots(path, have_font)
    test_demo(have_font)
    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
