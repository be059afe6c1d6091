// The trainer's report: draws the page from the JSON in #report-data with ECharts; every number is looked
// up, none computed from the model. Language switch, month slider, what-if explorer.
(function () {
  "use strict";
  var R = JSON.parse(document.getElementById("report-data").textContent);
  var lang = window.REPORT_LANG === "en" ? "en" : "zh";
  var state = { month: 0, kept: {}, playing: null };
  var COLORS = { full: "#0072B2", without: "#CC79A7", baseline: "#D55E00", combo: "#009E73" };
  var TENURE_COLORS = ["#0072B2", "#E69F00", "#DDDDDD"];
  var FONT = getComputedStyle(document.body).fontFamily;
  var charts = {};
  var KEY = ["collection_rate", "disorder", "trust_mean", "condition_index", "move_outs"];

  function T(o) { return o == null ? "" : (typeof o === "string" ? o : o[lang]); }
  function U(k) { return T(R.ui[k]); }
  function F(s, kw) { return s.replace(/\{(\w+)\}/g, function (_, k) { return kw[k] != null ? kw[k] : ""; }); }
  function el(tag, attrs, html) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (html != null) e.innerHTML = html;
    return e;
  }
  function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; }); }
  function metricLabel(m) { var x = R.metrics[m]; return T(x.label) + (T(x.unit) ? " (" + T(x.unit) + ")" : ""); }
  function tickName(i) { return R.axis === "month" ? F(U("month"), { m: R.ticks[i] }) : F(U("week"), { w: R.ticks[i] }); }
  function chart(id) {
    if (!charts[id]) charts[id] = echarts.init(document.getElementById(id), null, { renderer: "canvas" });
    return charts[id];
  }
  function base(title) {
    return { animation: false, textStyle: { fontFamily: FONT, fontSize: 16 },
             title: { text: title, left: 12, top: 6, textStyle: { fontSize: 19, fontWeight: 600, fontFamily: FONT } },
             tooltip: { trigger: "axis", textStyle: { fontSize: 15 } },
             grid: { left: 64, right: 22, top: 56, bottom: 72 } };
  }
  // a mean line and its lowest-highest band per arm
  function bandSeries(name, color, band, scale, stack) {
    var lo = band.map(function (b) { return +(b[1] * scale).toFixed(4); });
    var span = band.map(function (b) { return +((b[2] - b[1]) * scale).toFixed(4); });
    var mean = band.map(function (b) { return +(b[0] * scale).toFixed(4); });
    return [
      { type: "line", data: lo, stack: stack, symbol: "none", lineStyle: { opacity: 0 }, tooltip: { show: false }, silent: true },
      { type: "line", data: span, stack: stack, symbol: "none", lineStyle: { opacity: 0 }, areaStyle: { color: color, opacity: 0.18 },
        tooltip: { show: false }, silent: true },
      { type: "line", name: name, data: mean, symbol: "none", lineStyle: { width: 3.5, color: color }, itemStyle: { color: color } }
    ];
  }
  function lineChart(id, title, yname, arms, metric, scale) {
    var o = base(title);
    o.legend = { bottom: 6, textStyle: { fontSize: 16 }, data: arms.map(function (a) { return T(a.label); }) };
    // the x axis is named in the title's line (months or weeks since the start); the legend takes the bottom
    o.title.subtext = R.axis === "month" ? U("x_months") : U("x_weeks");
    o.title.subtextStyle = { fontSize: 14, fontFamily: FONT };
    o.title.itemGap = 2;
    o.grid.top = 66;
    o.grid.bottom = arms.length > 2 ? 84 : 56;
    o.xAxis = { type: "category", data: R.ticks, axisLabel: { fontSize: 15 } };
    o.yAxis = { type: "value", name: yname, nameTextStyle: { fontSize: 15, align: "left" }, axisLabel: { fontSize: 15 } };
    o.series = [];
    arms.forEach(function (a, i) {
      o.series = o.series.concat(bandSeries(T(a.label), COLORS[a.id] || COLORS.combo, a.bands ? a.bands[metric] : a.band, scale, "s" + i));
    });
    chart(id).setOption(o, true);
  }

  // ---------- layout, once ----------
  function layout() {
    var app = document.getElementById("app");
    var h = el("header");
    h.appendChild(el("h1", { id: "title" }));
    h.appendChild(el("div", { "class": "sub", id: "subtitle" }));
    var nav = el("nav");
    nav.appendChild(el("a", { href: "#story", id: "nav-story" }));
    nav.appendChild(el("a", { href: "#key", id: "nav-key" }));
    if (R.explorer) nav.appendChild(el("a", { href: "#explorer", id: "nav-explorer" }));
    if (R.roof) nav.appendChild(el("a", { href: "#roof", id: "nav-roof" }));
    var b = el("button", { id: "lang-btn", type: "button" });
    b.onclick = function () { lang = lang === "zh" ? "en" : "zh"; render(); };
    nav.appendChild(b);
    h.appendChild(nav);
    app.appendChild(h);
    var m = el("main");
    app.appendChild(m);
    // the story
    var s = el("section", { id: "story" });
    s.innerHTML = '<h2 id="story-title"></h2><p class="intro" id="story-intro"></p><p class="note" id="without-note"></p>' +
      '<div class="slider-row"><button id="play-btn" type="button"></button><span id="month-label"></span>' +
      '<input type="range" id="month-slider" min="0" step="1"></div>' +
      '<div class="row"><div class="col"><div id="map"></div><div class="note" id="repairs"></div></div>' +
      '<div class="col"><ol class="story" id="story-list"></ol></div></div>' +
      '<div class="values" id="values"></div>' +
      '<h3 id="summary-title"></h3><ul class="note" id="summary-list"></ul>';
    m.appendChild(s);
    var k = el("section", { id: "key" });
    k.innerHTML = '<h2 id="key-title"></h2><p class="intro" id="key-intro"></p><div class="panels">' +
      KEY.map(function (x) { return '<div class="panel" id="panel-' + x + '"></div>'; }).join("") +
      '<div class="panel" id="panel-cost"></div></div>';
    m.appendChild(k);
    if (R.explorer) {
      var e = el("section", { id: "explorer" });
      e.innerHTML = '<h2 id="explorer-title"></h2><p class="intro" id="explorer-intro"></p><div class="toggles" id="toggles"></div>' +
        '<div class="row"><div class="col"><table class="results" id="explorer-table"></table><p class="note" id="cost-note"></p></div>' +
        '<div class="col"><div id="explorer-chart"></div></div></div>';
      m.appendChild(e);
      R.explorer.steps.forEach(function (st) { state.kept[st.id] = true; });
    }
    if (R.roof) {
      var r = el("section", { id: "roof" });
      r.innerHTML = '<h2 id="roof-title"></h2><p class="intro" id="roof-intro"></p><p class="intro" id="roof-arms"></p>' +
        '<div class="row"><div class="col"><div id="roof-building"></div></div><div class="col"><div id="roof-chart"></div></div></div>' +
        '<div class="row"><div class="col"><h3 id="roof-arm0"></h3><ol class="story" id="roof-story0"></ol></div>' +
        '<div class="col"><h3 id="roof-arm1"></h3><ol class="story" id="roof-story1"></ol></div></div>' +
        '<p class="note" id="roof-note"></p>' +
        '<h3 id="roof-floors-title"></h3><p class="intro" id="roof-floors-intro"></p>' +
        '<div class="row"><div class="col"><div class="building" id="roof-levy0"></div><table class="floors" id="roof-floors0"></table></div>' +
        '<div class="col"><div class="building" id="roof-levy1"></div><table class="floors" id="roof-floors1"></table></div></div>' +
        '<p class="note" id="roof-floors-note"></p>';
      m.appendChild(r);
    }
    var a = el("section", { id: "assumes", "class": "assumes" });
    a.innerHTML = '<h2 id="assumes-title"></h2><p id="assumes-text"></p><p><a id="assumes-link" href="../../docs/ODD.md"></a></p>' +
      '<h3 id="sources-title"></h3><p id="sources-text"></p><p class="note" id="month-rule"></p>';
    m.appendChild(a);
    app.appendChild(el("footer", { id: "footer" }));
    var slider = document.getElementById("month-slider");
    slider.max = R.ticks.length - 1;
    slider.value = 0;
    slider.oninput = function () { state.month = +slider.value; renderMonth(); };
    document.getElementById("play-btn").onclick = function () {
      if (state.playing) { clearInterval(state.playing); state.playing = null; renderPlay(); return; }
      if (state.month >= R.ticks.length - 1) state.month = 0;
      state.playing = setInterval(function () {
        if (state.month >= R.ticks.length - 1) { clearInterval(state.playing); state.playing = null; renderPlay(); return; }
        state.month += 1; slider.value = state.month; renderMonth();
      }, 700);
      renderPlay();
    };
    window.addEventListener("resize", function () { for (var id in charts) charts[id].resize(); renderMonth(); });
  }

  function text(id, s) { var e = document.getElementById(id); if (e) e.textContent = s; }
  function renderPlay() { text("play-btn", state.playing ? U("pause") : U("play")); }

  // ---------- the month: map, story, values ----------
  function flatsOption(id, flats, frame, title) {
    var w = flats.width, cols = 0, floors = 0;
    flats.stairwell.forEach(function (s, i) { cols = Math.max(cols, s * (w + 1) + flats.pos[i] + 1); floors = Math.max(floors, flats.floor[i]); });
    var box = document.getElementById(id);
    var cell = Math.max(8, Math.min(Math.floor((box.clientWidth - 90) / (cols + 1)), Math.floor((box.clientHeight - 110) / (floors + 1))) - 3);
    var cells = [[], [], []], dots = [];
    flats.stairwell.forEach(function (s, i) {
      var x = s * (w + 1) + flats.pos[i], y = flats.floor[i];
      cells[frame.tenure[i]].push([x, y]);
      if (frame.paid[i]) dots.push([x, y]);
    });
    var o = base(title);
    o.tooltip = { show: false };
    o.grid = { left: 70, right: 16, top: 50, bottom: 64 };
    o.legend = { bottom: 4, textStyle: { fontSize: 16 } };
    var xs = [], ys = [];
    for (var c = 0; c < cols; c++) xs.push(c % (w + 1) === Math.floor((w - 1) / 2) ? F(U("stairwell"), { n: Math.floor(c / (w + 1)) + 1 }) : "");
    for (var fl = 1; fl <= floors; fl++) ys.push(F(U("floor"), { n: fl }));
    o.xAxis = { type: "category", data: xs, axisLine: { show: false }, axisTick: { show: false }, splitLine: { show: false },
                axisLabel: { fontSize: 15, interval: 0 } };
    o.yAxis = { type: "category", data: ys, axisLine: { show: false }, axisTick: { show: false }, axisLabel: { fontSize: 15 } };
    cells = cells.map(function (l) { return l.map(function (p) { return [p[0], p[1] - 1]; }); });
    dots = dots.map(function (p) { return [p[0], p[1] - 1]; });
    o.series = [0, 1, 2].map(function (t) {
      return { type: "scatter", name: T(R.tenure[t]), symbol: "rect", symbolSize: cell, data: cells[t],
               itemStyle: { color: TENURE_COLORS[t], borderColor: "#444", borderWidth: 0.6 } };
    });
    o.series.push({ type: "scatter", name: U("paid"), symbol: "circle", symbolSize: Math.max(5, cell * 0.38), data: dots,
                    itemStyle: { color: "#fff", borderColor: "#000", borderWidth: 1.2 } });
    chart(id).setOption(o, true);
  }

  function renderMonth() {
    var i = state.month, S = R.story;
    text("month-label", tickName(i));
    var f = S.flats;
    if (f) flatsOption("map", f, f.frames[i], T(R.courtyard) + " · " + tickName(i));
    text("repairs", R.axis === "month" ? F(U("repairs"), { n: S.repairs[i] }) : "");
    var list = document.getElementById("story-list");
    list.innerHTML = "";
    var any = false, last = null;
    S.narrative.forEach(function (line) {
      var tick = R.axis === "month" ? line.month : line.week;
      var li = el("li", { "class": tick === R.ticks[i] ? "now" : (tick > R.ticks[i] ? "later" : "") });
      li.innerHTML = '<span class="m">' + esc(R.axis === "month" ? F(U("month"), { m: line.month }) : F(U("week"), { w: line.week })) +
        "</span>" + (line.part ? '<span class="part">' + esc(T(line.part)) + "</span>" : "") + esc(T(line.text));
      list.appendChild(li);
      if (tick <= R.ticks[i]) { any = true; last = li; }
    });
    if (last) last.scrollIntoView({ block: "nearest" });
    var vals = document.getElementById("values");
    vals.innerHTML = "";
    KEY.forEach(function (m) {
      var v = S.values[m][i];
      var shown = m === "collection_rate" ? v.toFixed(1) + " %" : (m === "move_outs" ? v.toFixed(0) : v.toFixed(2));
      var d = el("div", { "class": "value" });
      d.innerHTML = '<div class="k">' + esc(T(R.metrics[m].label)) + '</div><div class="v" id="value-' + m + '">' + shown + "</div>";
      vals.appendChild(d);
    });
  }

  // ---------- the what-if explorer ----------
  function comboKey() { return R.explorer.steps.map(function (s) { return state.kept[s.id] ? "1" : "0"; }).join(""); }
  function renderExplorer() {
    var X = R.explorer;
    text("explorer-title", U("explorer"));
    text("explorer-intro", F(U("explorer_intro"), { m: X.end_month }));
    text("cost-note", U("cost_note"));
    var tg = document.getElementById("toggles");
    tg.innerHTML = "";
    X.steps.forEach(function (s) {
      var lab = el("label", { "class": state.kept[s.id] ? "on" : "", "for": "ex-toggle-" + s.id });
      var box = el("input", { type: "checkbox", id: "ex-toggle-" + s.id });
      lab.title = T(s.label);
      box.checked = !!state.kept[s.id];
      box.onchange = function () { state.kept[s.id] = box.checked; renderExplorer(); };
      lab.appendChild(box);
      var words = T(s.label).split(/[（(]/);
      var span = el("span", {}, esc(words[0]) + (words[1] ? '<br><small>' + esc(words[1].replace(/[）)]$/, "")) + "</small>" : ""));
      lab.appendChild(span);
      tg.appendChild(lab);
    });
    var key = comboKey(), combo = X.combos[key], full = X.combos["1111"], baseR = X.baseline;
    var kept = X.steps.filter(function (s) { return state.kept[s.id]; }).map(function (s) { return T(s.short); });
    var comboName = T(R.ui.explorer) && (kept.length ? kept.join(lang === "zh" ? "+" : " + ") : (lang === "zh" ? "无步骤" : "no step"));
    var t = '<tr><th id="ex-head-measure">' + esc(U("measure")) + '</th><th class="combo" id="ex-head-combo">' + esc(comboName) +
      '</th><th class="full">' + esc(T({ zh: "完整方案", en: "full package" })) + '</th><th class="base">' +
      esc(T({ zh: "基线", en: "baseline" })) + "</th></tr>";
    X.metrics.forEach(function (m) {
      t += "<tr><td>" + esc(T(m.label)) + " <span class=\"note\">" + esc(T(m.unit)) + '</span></td><td class="combo" id="ex-combo-' + m.id + '">' +
        combo[m.id].text + '</td><td id="ex-full-' + m.id + '">' + full[m.id].text + '</td><td id="ex-base-' + m.id + '">' +
        baseR[m.id].text + "</td></tr>";
    });
    document.getElementById("explorer-table").innerHTML = t;
    document.getElementById("explorer-table").setAttribute("data-combo", key);
    lineChart("explorer-chart", metricLabel("collection_rate"), "", [
      { id: "combo", label: { zh: comboName, en: comboName }, band: combo.collection },
      { id: "full", label: { zh: "完整方案", en: "full package" }, band: full.collection },
      { id: "baseline", label: { zh: "基线", en: "baseline" }, band: baseR.collection }], "collection_rate", 1);
  }

  // ---------- the roof-insulation meeting ----------
  function renderRoof() {
    var RF = R.roof;
    text("roof-title", U("roof"));
    text("roof-intro", U("roof_intro"));
    text("roof-arms", U("roof_arms"));
    text("roof-note", U("roof_not_recorded"));
    var b = RF.building, wk = b.frames.length - 1;
    flatsOption("roof-building", b, b.frames[wk], T(RF.courtyard) + " · " + F(U("roof_building"), { w: b.frames[wk].week }));
    // per arm: door-to-door levy, meeting present and yes, the levy after the meeting (mean over the seeds)
    var cats = lang === "zh" ? ["逐户收费：交钱户数", "会议：到会户数", "会议：赞成票", "会后收费：交钱户数"]
                             : ["door to door: paid", "meeting: present", "meeting: yes", "after the meeting: paid"];
    var o = base(lang === "zh" ? "户数（各种子均值）" : "households (mean over the seeds)");
    o.tooltip = { trigger: "axis", axisPointer: { type: "shadow" } };
    o.legend = { bottom: 4, textStyle: { fontSize: 16 } };
    o.grid = { left: 50, right: 16, top: 56, bottom: 90 };
    o.xAxis = { type: "category", data: cats, axisLabel: { fontSize: 14, interval: 0, width: 120, overflow: "break" } };
    o.yAxis = { type: "value", max: 42, axisLabel: { fontSize: 15 } };
    o.series = RF.arms.map(function (a, k) {
      function pick(f) {
        var xs = a.seeds.map(f).filter(function (x) { return x != null; });
        if (!xs.length) return null;
        var s = 0; xs.forEach(function (x) { s += x; });
        return +(s / xs.length).toFixed(1);
      }
      var data = [pick(function (s) { return s.levies[0] ? s.levies[0].paid : null; }),
                  pick(function (s) { return s.meetings[0] ? s.meetings[0].present : null; }),
                  pick(function (s) { return s.meetings[0] ? s.meetings[0].yes : null; }),
                  pick(function (s) { return s.levies[1] ? s.levies[1].paid : null; })];
      return { type: "bar", name: T(a.label), data: data, itemStyle: { color: k === 0 ? COLORS.full : COLORS.baseline },
               label: { show: true, position: "top", fontSize: 15 } };
    });
    chart("roof-chart").setOption(o, true);
    RF.arms.forEach(function (a, k) {
      text("roof-arm" + k, T(a.label));
      var ol = document.getElementById("roof-story" + k);
      ol.innerHTML = "";
      a.narrative.forEach(function (line) {
        var li = el("li");
        li.innerHTML = '<span class="m">' + esc(F(U("week"), { w: line.week })) + "</span>" + esc(T(line.text));
        ol.appendChild(li);
      });
    });
  }

  // the building by levy: each flat coloured by what it did (data.roof_floors' status), a dot if persuaded
  var LEVY_COLORS = ["#DDDDDD", "#009E73", "#56B4E9", "#D55E00"];
  var LEVY_NAMES = ["levy_not_asked", "levy_door_paid", "levy_later_paid", "levy_never"];
  function levyBuilding(id, flats, t, title) {
    var w = flats.width, cols = 0, floors = 0;
    flats.stairwell.forEach(function (s, i) { cols = Math.max(cols, s * (w + 1) + flats.pos[i] + 1); floors = Math.max(floors, flats.floor[i]); });
    var box = document.getElementById(id);
    var cell = Math.max(8, Math.min(Math.floor((box.clientWidth - 90) / (cols + 1)), Math.floor((box.clientHeight - 110) / (floors + 1))) - 3);
    var cells = [[], [], [], []], dots = [];
    flats.stairwell.forEach(function (s, i) {
      var x = s * (w + 1) + flats.pos[i], y = flats.floor[i] - 1;
      cells[t.status[i]].push([x, y]);
      if (t.persuaded[i]) dots.push([x, y]);
    });
    var o = base(title);
    o.tooltip = { show: false };
    o.grid = { left: 70, right: 16, top: 50, bottom: 84 };
    o.legend = { bottom: 4, textStyle: { fontSize: 15 } };
    var xs = [], ys = [];
    for (var c = 0; c < cols; c++) xs.push(c % (w + 1) === Math.floor((w - 1) / 2) ? F(U("stairwell"), { n: Math.floor(c / (w + 1)) + 1 }) : "");
    for (var fl = 1; fl <= floors; fl++) ys.push(F(U("floor"), { n: fl }));
    o.xAxis = { type: "category", data: xs, axisLine: { show: false }, axisTick: { show: false }, splitLine: { show: false },
                axisLabel: { fontSize: 15, interval: 0 } };
    o.yAxis = { type: "category", data: ys, axisLine: { show: false }, axisTick: { show: false }, axisLabel: { fontSize: 15 } };
    o.series = [1, 2, 3, 0].map(function (k) {
      return { type: "scatter", name: U(LEVY_NAMES[k]), symbol: "rect", symbolSize: cell, data: cells[k],
               itemStyle: { color: LEVY_COLORS[k], borderColor: "#444", borderWidth: 0.6 } };
    });
    o.series.push({ type: "scatter", name: U("col_persuaded"), symbol: "circle", symbolSize: Math.max(5, cell * 0.38), data: dots,
                    itemStyle: { color: "#fff", borderColor: "#000", borderWidth: 1.2 } });
    chart(id).setOption(o, true);
  }
  function floorTable(id, t) {
    var cols = ["asked", "refused", "attended", "persuaded", "paid"];
    var h = "<thead><tr><th>" + esc(U("col_floor")) + "</th>" +
            cols.map(function (c) { return "<th>" + esc(U("col_" + c)) + "</th>"; }).join("") + "</tr></thead><tbody>";
    var sum = {}, msum = {};
    t.floors.forEach(function (f, i) {
      h += '<tr data-floor="' + f.floor + '"><th>' + esc(F(U("floor"), { n: f.floor })) + "</th>";
      cols.forEach(function (c) {
        sum[c] = (sum[c] || 0) + f[c];
        msum[c] = (msum[c] || 0) + t.mean[i][c];
        h += '<td data-col="' + c + '"><b>' + f[c] + '</b> <span class="mean">(' + t.mean[i][c] + ")</span></td>";
      });
      h += "</tr>";
    });
    h += '<tr class="total"><th>' + esc(U("all_floors")) + "</th>" + cols.map(function (c) {
      return '<td><b>' + sum[c] + '</b> <span class="mean">(' + (+msum[c].toFixed(1)) + ")</span></td>";
    }).join("") + "</tr></tbody>";
    document.getElementById(id).innerHTML = h;
  }
  function renderRoofFloors() {
    var RF = R.roof;
    if (!RF.arms[0].floors) { text("roof-floors-title", ""); return; }
    text("roof-floors-title", U("roof_floors"));
    text("roof-floors-intro", F(U("roof_floors_intro"), { seed: RF.arms[0].floors.seed }));
    text("roof-floors-note", U("roof_floors_note"));
    RF.arms.forEach(function (a, k) {
      if (!a.floors) return;
      levyBuilding("roof-levy" + k, RF.building, a.floors, T(a.label));
      floorTable("roof-floors" + k, a.floors);
    });
  }

  // ---------- everything in the current language ----------
  function render() {
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
    document.title = U("title") + " · " + T(R.courtyard);
    text("title", U("title"));
    text("subtitle", F(T(R.subtitle), { courtyard: T(R.courtyard) }) + " · " + F(U("seeds_note"), { n: R.seeds }));
    text("lang-btn", U("lang_button"));
    text("nav-story", U("nav_story"));
    text("nav-key", U("nav_key"));
    text("nav-explorer", U("nav_explorer"));
    text("nav-roof", U("nav_roof"));
    text("story-title", R.axis === "month" ? U("story") : U("story_weeks"));
    text("story-intro", F(U("story_intro"), { seed: R.story.seed }));
    text("without-note", R.without ? F(U("without_note"), { what: T(R.without) }) : "");
    text("summary-title", F(U("over_seeds"), { n: R.seeds }));
    var sl = document.getElementById("summary-list");
    sl.innerHTML = "";
    R.story.summary.forEach(function (line) { sl.appendChild(el("li", {}, esc(T(line)))); });
    renderPlay();
    renderMonth();
    text("key-title", U("key_panels"));
    text("key-intro", U("key_intro"));
    KEY.forEach(function (m) {
      lineChart("panel-" + m, metricLabel(m), "", R.arms, m, 1);
    });
    var o = base(metricLabel("cost"));
    o.tooltip = { trigger: "axis", axisPointer: { type: "shadow" } };
    o.grid = { left: 90, right: 22, top: 56, bottom: 48 };
    o.xAxis = { type: "category", data: R.arms.map(function (a) { return T(a.label); }), axisLabel: { fontSize: 15, interval: 0 } };
    o.yAxis = { type: "value", axisLabel: { fontSize: 15 } };
    o.series = [{ type: "bar", data: R.arms.map(function (a) { return { value: Math.round(a.cost[0]), itemStyle: { color: COLORS[a.id] } }; }),
                  label: { show: true, position: "top", fontSize: 16, formatter: function (p) { return p.value.toLocaleString("en"); } } }];
    chart("panel-cost").setOption(o, true);
    if (R.explorer) renderExplorer();
    if (R.roof) { renderRoof(); renderRoofFloors(); }
    text("assumes-title", U("assumes"));
    text("assumes-text", U("assumes_text"));
    text("assumes-link", U("assumes_link"));
    text("sources-title", U("sources"));
    text("sources-text", U("sources_text"));
    text("month-rule", U("month_rule"));
    text("footer", F(U("made_by"), R.meta));
    document.body.setAttribute("data-lang", lang);
  }

  layout();
  if (R.odd) {
    var link = document.getElementById("assumes-link");
    link.href = URL.createObjectURL(new Blob([R.odd], { type: "text/plain;charset=utf-8" }));
    link.target = "_blank";
  }
  render();
  window.REPORT_READY_MS = performance.now();
  document.body.setAttribute("data-ready", "1");
})();
