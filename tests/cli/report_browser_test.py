"""The trainer's report in a real browser (ctest: cli_report_browser; skipped, code 77, without Chromium).

Runs `courtyard demo --seeds 2 --report --no-plots`, opens report.html in headless Chromium (Debian's
chromium and chromium-driver, driven by python3-selenium) at 1280x720, and checks:
  - the page is one file under 5 MB that loads nothing from the network (every resource the browser
    fetched is the file itself, data: or blob:), and tells how long it took to be ready (not asserted);
  - the language switch turns every title into the other language;
  - moving the time slider to month 12 shows month 12 and the full package's seed-1 values there, equal
    to the HDF5 file's (read here with h5py, formatted as the page does);
  - toggling the covenant step off in the what-if explorer shows the combination without the covenant,
    its collection, disorder, trust, move-outs and cost equal to the whatif/ HDF5 files' (mean, lowest and
    highest seed), next to the full package and the baseline;
  - the Chinese page names the courtyard and the steps as the pilot scenario's labels do (/parameters/label_*),
    not as analysis/report/i18n.py's table;
  - the roof meeting, floor by floor: each arm's seed-1 asked / refused at the door / came / persuaded / paid
    of the top and the ground floor equal those read here from the file's /households/civic flags;
  - saves screenshots of both languages (SHOTS_DIR, default WORK/shots).
usage: report_browser_test.py COURTYARD_BINARY WORK_DIR [SHOTS_DIR]
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import time

import h5py
import numpy as np

BIN, WORK = sys.argv[1], sys.argv[2]
SHOTS = sys.argv[3] if len(sys.argv) > 3 else os.path.join(WORK, "shots")
results = []


def check(name, ok, detail=""):
    results.append(bool(ok))
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else f"  [{detail}]"))


def browser():
    """A headless Chromium, or None (with the reason) when it is not installed."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        return None, "python3-selenium is not installed"
    if not chromium or not driver:
        return None, "chromium and chromium-driver are not installed"
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,720",
                "--hide-scrollbars", "--force-device-scale-factor=1", "--lang=en-US"]:
        opts.add_argument(arg)
    return webdriver.Chrome(service=Service(driver), options=opts), ""


# ---- the numbers, from the HDF5 files, independently of analysis/report ----
COURTYARD = "Jiangdong Minju Zone 2"


def courtyard_index(f):
    names = [n.decode() if isinstance(n, bytes) else str(n) for n in f["courtyards/name"][()]]
    return names.index(COURTYARD)


def value(path, metric, week):
    with h5py.File(path, "r") as f:
        c = courtyard_index(f)
        steps = f["timeseries/step"][()]
        rec = int(np.argmin(np.abs(steps - week)))
        if metric == "cost":
            return float(sum(np.sum(f["subdistrict/" + k][()], dtype=float)
                             for k in ("spent_subdistrict", "spent_community", "spent_courtyard")))
        series = f["timeseries/" + metric][:, c].astype(float)
        if metric == "move_outs":
            return float(np.sum(series[1:rec + 1]))
        v = float(series[rec])
        return 100 * v if metric == "collection_rate" else v


def shown(metric, x):
    if metric in ("collection_rate", "move_outs"):
        return f"{x:.1f}"
    if metric in ("disorder", "trust_mean"):
        return f"{x:.2f}"
    return f"{x:,.0f}"


def cell(metric, paths, week):
    xs = [value(p, metric, week) for p in paths]
    return f"{shown(metric, np.mean(xs))} ({shown(metric, min(xs))}–{shown(metric, max(xs))})"


ROOF = "龙舟路60号院新五栋"


def roof_floors(path):
    """{floor: {asked, refused, attended, persuaded, paid}} of the roof building, from /households/civic
    (bits: 1 attended, 8 persuaded, 16 asked in the last closed levy, 32 paid in it, 64 persuaded in it)
    and the levy and meeting events: asked and refused at the record after the first levy, attended at
    the last record, persuaded and paid at the record after the last levy (one after the meeting)."""
    with h5py.File(path, "r") as f:
        names = [n.decode() if isinstance(n, bytes) else str(n) for n in f["courtyards/name"][()]]
        c = names.index(ROOF)
        hh = f["households"]
        mine = hh["courtyard"][()] == c
        floor, civic, steps = hh["floor"][()][mine], hh["civic"][()][:, mine].astype(int), hh["step"][()]
        types = {v: k for k, v in h5py.check_enum_dtype(f["events"].dtype["type"]).items()}
        ev = [e for e in f["events"][()] if int(e["courtyard"]) == c]
    levy = sorted(int(e["step"]) for e in ev if types[int(e["type"])] == "levy")
    meeting = sorted(int(e["step"]) for e in ev if types[int(e["type"])] == "meeting")

    def after(step):
        return int(np.flatnonzero(steps >= step + 1)[0])
    door = civic[after(levy[0])]
    asked, refused = (door & 16) > 0, ((door & 16) > 0) & ((door & 32) == 0)
    attended = (civic[-1] & 1) > 0
    later = [s for s in levy if meeting and s >= meeting[0]]
    if later:
        last = civic[after(later[-1])]
        persuaded, paid = (last & 64) > 0, (last & 32) > 0
    else:
        persuaded, paid = (civic[-1] & 8) > 0, np.zeros(len(floor), bool)
    return {int(fl): {"asked": int((asked & (floor == fl)).sum()), "refused": int((refused & (floor == fl)).sum()),
                      "attended": int((attended & (floor == fl)).sum()), "persuaded": int((persuaded & (floor == fl)).sum()),
                      "paid": int((paid & (floor == fl)).sum())} for fl in set(floor.tolist())}


def main():
    drv, why = browser()
    if drv is None:
        print(f"SKIP: {why} (scripts/install-deps.sh installs them)")
        return 77
    try:
        return run(drv)
    finally:
        drv.quit()


def run(drv):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    shutil.rmtree(WORK, ignore_errors=True)
    out = os.path.join(WORK, "demo")
    r = subprocess.run([BIN, "demo", "--seeds", "2", "--report", "--no-plots", "-o", out], capture_output=True, text=True,
                       timeout=600)
    report = os.path.join(out, "report.html")
    check("demo --report exits 0 and ends by printing the report's path",
          r.returncode == 0 and r.stdout.strip().splitlines()[-1].endswith(os.path.abspath(report)), r.stderr[-800:])
    size = os.path.getsize(report) if os.path.exists(report) else 0
    print(f"report.html: {size / 1e6:.2f} MB")
    check("report.html is under 5 MB", 0 < size < 5e6, size)

    drv.set_window_size(1280, 720)
    # the viewport itself 1280x720 (a projector's), whatever the window's frame takes
    drv.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 1280, "height": 720, "deviceScaleFactor": 1,
                                                              "mobile": False})
    t0 = time.time()
    drv.get("file://" + os.path.abspath(report))
    for _ in range(200):
        if drv.execute_script("return document.body && document.body.getAttribute('data-ready')") == "1":
            break
        time.sleep(0.05)
    ready = drv.execute_script("return window.REPORT_READY_MS")
    load = drv.execute_script("var t = performance.getEntriesByType('navigation')[0]; return t ? t.loadEventEnd : null")
    print(f"time to a ready page: {ready:.0f} ms after navigation start (load event {load:.0f} ms; wall {time.time() - t0:.2f} s); "
          "reported, not asserted")
    resources = drv.execute_script("return performance.getEntriesByType('resource').map(function (e) { return e.name; })")
    check("the page loads nothing from the network", all(re.match(r"^(file|data|blob):", u) for u in resources), resources)
    errors = [e for e in drv.get_log("browser") if e.get("level") == "SEVERE"] if hasattr(drv, "get_log") else []
    check("no errors in the browser console", not errors, errors)

    def text(id_):
        return drv.find_element(By.ID, id_).text

    os.makedirs(SHOTS, exist_ok=True)
    # the time slider: to month 12 with the keyboard, as a trainer would
    slider = drv.find_element(By.ID, "month-slider")
    slider.click()
    slider.send_keys(Keys.HOME)
    for _ in range(12):
        slider.send_keys(Keys.ARROW_RIGHT)
    full = sorted(glob.glob(os.path.join(out, "intervention-seed*.h5")))
    check("the slider moves to month 12", text("month-label") == "month 12", text("month-label"))
    want = f"{value(full[0], 'collection_rate', 52):.1f} %"
    check("month 12: the collection shown is the seed-1 file's at week 52", text("value-collection_rate") == want,
          (text("value-collection_rate"), want))
    want = f"{value(full[0], 'trust_mean', 52):.2f}"
    check("month 12: the trust shown is the seed-1 file's at week 52", text("value-trust_mean") == want, (text("value-trust_mean"), want))
    now = [li.text for li in drv.find_elements(By.CSS_SELECTOR, "#story-list li.now")]
    check("month 12: the narrative marks what happened in month 12 (the services start)",
          now and all(s.startswith("month 12") for s in now), now)

    check("English first for an English courtyard name", text("title") == "The trainer's report", text("title"))
    en_titles = [text(i) for i in ("story-title", "key-title", "explorer-title", "roof-title", "assumes-title")]
    drv.save_screenshot(os.path.join(SHOTS, "report-en.png"))
    drv.find_element(By.ID, "lang-btn").click()
    zh_titles = [text(i) for i in ("story-title", "key-title", "explorer-title", "roof-title", "assumes-title")]
    cjk = re.compile(r"[\u4e00-\u9fff]")
    check("the language switch turns every title into Chinese", text("title") == "院落自治培训报告" and
          all(cjk.search(t) for t in zh_titles) and all(not cjk.search(t) for t in en_titles), (en_titles, zh_titles))
    story = [li.text for li in drv.find_elements(By.CSS_SELECTOR, "#story-list li")]
    check("the narrative is in Chinese", story and all(cjk.search(s) for s in story), story[:3])
    check("the slider stays at month 12 across the language switch", text("month-label") == "第 12 月", text("month-label"))
    drv.save_screenshot(os.path.join(SHOTS, "report-zh.png"))
    drv.find_element(By.ID, "lang-btn").click()

    # the explorer: leave the covenant out
    drv.execute_script("document.getElementById('explorer').scrollIntoView()")
    drv.find_element(By.CSS_SELECTOR, "label[for=ex-toggle-covenant]").click()
    combo = drv.find_element(By.ID, "explorer-table").get_attribute("data-combo")
    check("toggling the covenant off looks up the combination without it", combo == "1101", combo)
    without = sorted(glob.glob(os.path.join(out, "whatif", "without-covenant-seed*.h5")))
    base = sorted(glob.glob(os.path.join(out, "baseline-seed*.h5")))
    check("the what-if runs of the combination are there, one per seed", len(without) == 2 == len(full) == len(base), without)
    end = 104
    for metric in ("collection_rate", "disorder", "trust_mean", "move_outs", "cost"):
        for arm, paths in (("combo", without), ("full", full), ("base", base)):
            got, want = text(f"ex-{arm}-{metric}"), cell(metric, paths, end)
            check(f"explorer, {arm}, {metric}: the page shows the HDF5 files' mean (lowest-highest)", got == want, (got, want))
    drv.save_screenshot(os.path.join(SHOTS, "report-explorer-en.png"))
    drv.find_element(By.ID, "lang-btn").click()
    drv.execute_script("document.getElementById('explorer').scrollIntoView()")
    check("the explorer keeps the combination across the language switch",
          drv.find_element(By.ID, "explorer-table").get_attribute("data-combo") == "1101")
    drv.save_screenshot(os.path.join(SHOTS, "report-explorer-zh.png"))
    # the scenario's own Chinese names (Scenario.labels, /parameters/label_*) before i18n.py's table
    with h5py.File(full[0], "r") as f:
        labels = dict(zip(f["parameters/label_key"].asstr()[()], f["parameters/label_zh"].asstr()[()]))
    check("the pilot's result file carries its labels", labels.get(COURTYARD) == "江东民居二区" and
          labels.get("organisation") == "建组织", labels)
    check("the Chinese page names the courtyard as the scenario does", "江东民居二区" in text("subtitle"), text("subtitle"))
    step1 = drv.find_element(By.CSS_SELECTOR, "label[for=ex-toggle-organisation]").text
    check("the Chinese page names step 1 as the scenario does (建组织, not the table's 组织)",
          step1.startswith("第1步：建组织"), step1)
    drv.execute_script("document.getElementById('roof').scrollIntoView()")
    drv.save_screenshot(os.path.join(SHOTS, "report-roof-zh.png"))
    # the roof, floor by floor: each arm's seed-1 numbers of the top and the ground floor, from /households/civic
    drv.execute_script("document.getElementById('roof-floors-title').scrollIntoView()")
    for k, arm in enumerate(("meeting-with-persuasion", "meeting-without-persuasion")):
        want = roof_floors(os.path.join(out, "roof", arm + "-seed1.h5"))
        for floor in (6, 1):
            for col in ("asked", "refused", "attended", "persuaded", "paid"):
                got = drv.find_element(By.CSS_SELECTOR, f"#roof-floors{k} tr[data-floor='{floor}'] td[data-col='{col}'] b").text
                check(f"roof, {arm}, floor {floor}, {col}: the page shows the HDF5 file's", got == str(want[floor][col]),
                      (got, want[floor][col]))
    drv.save_screenshot(os.path.join(SHOTS, "report-roof-floors-zh.png"))
    print(f"screenshots: {SHOTS}")

    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
