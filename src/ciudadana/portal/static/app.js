// The public dashboard: filters, map, trend and table over the portal's API, the whole state in
// the query string (?lang=es&indicator=VC_IHR_PSRC&year=2020&level=municipality&territory=01...)
// so that any view can be shared and the back button works. No framework, no build step.

import { ApiError, apiUrl, getJson } from "./api.js";
import { drawTrend } from "./chart.js";
import {
  DEFAULT_LANG,
  LANGS,
  formatDate,
  formatNumber,
  has,
  t as text,
  translatePage,
} from "./i18n.js";
import { drawMap, paletteStep, swatch } from "./map.js";
import { drawTable, isWithheld } from "./table.js";

const DIM_ORDER = [
  "year",
  "quarter",
  "month",
  "department",
  "municipality",
  "sex",
  "age_group",
  "age_broad",
  "pueblo",
  "relationship",
  "weapon",
];
const LEVELS = ["department", "municipality"];
const STATE_KEYS = ["lang", "indicator", "year", "level", "territory", "sex", "age"];

const $ = (id) => document.getElementById(id);

const app = {
  state: {
    lang: DEFAULT_LANG,
    indicator: "",
    year: 0,
    level: "department",
    territory: "",
    sex: "total",
    age: "total",
  },
  info: null,
  indicators: [],
  territories: new Map(),
  dims: {},
  country: null,
  sort: { key: null, dir: "asc" },
  token: 0,
  rows: [],
  focusMap: false,
};

const t = (key, vars) => text(app.state.lang, key, vars);

// -- state <-> URL -------------------------------------------------------------------------

function readUrl() {
  const params = new URLSearchParams(window.location.search);
  const lang = params.get("lang");
  return {
    lang: LANGS.includes(lang) ? lang : DEFAULT_LANG,
    indicator: params.get("indicator") || "",
    year: Number.parseInt(params.get("year") || "", 10) || 0,
    level: params.get("level") || "department",
    territory: params.get("territory") || "",
    sex: params.get("sex") || "total",
    age: params.get("age") || "total",
  };
}

function stateQuery(state) {
  const params = new URLSearchParams();
  for (const key of STATE_KEYS) {
    const value = state[key];
    if (value === "" || value === 0 || ((key === "sex" || key === "age") && value === "total"))
      continue;
    params.set(key, String(value));
  }
  return `?${params.toString()}`;
}

function writeUrl(mode) {
  const query = stateQuery(app.state);
  if (query === window.location.search) return;
  const url = `${window.location.pathname}${query}${window.location.hash}`;
  if (mode === "push") window.history.pushState(null, "", url);
  else window.history.replaceState(null, "", url);
}

/** Apply a change made by the user: new state, a history entry, a new view. */
function change(patch, { focusMap = false } = {}) {
  Object.assign(app.state, patch);
  normalise();
  writeUrl("push");
  app.focusMap = focusMap;
  render();
}

// -- what the indicator publishes -------------------------------------------------------------

function grouping(dims) {
  return DIM_ORDER.filter((d) => d === "year" || dims.includes(d)).join("+");
}

function indicator() {
  return app.indicators.find((i) => i.code === app.state.indicator) || app.indicators[0] || null;
}

function published(ind, dims) {
  if (!ind) return false;
  // Compared as sets: the name's order is the API's business.
  const wanted = grouping(dims).split("+").sort().join("+");
  return (ind.groupings || []).some((g) => g.split("+").sort().join("+") === wanted);
}

function levelDims(ind, level) {
  return published(ind, [level]) ? [level] : [];
}

/** The age scheme (age_broad or age_group) published with `dims`, UNODC's broad groups first. */
function ageScheme(ind, dims) {
  return ["age_broad", "age_group"].find((s) => published(ind, [...dims, s])) || null;
}

function ageCodes(scheme) {
  const all = app.dims[scheme] || app.dims.age || [];
  if (app.dims[scheme]) return all.filter((c) => !NOT_A_FILTER.has(c.code));
  // One list for both schemes: five-year groups span 5 years (80+ last), broad ones 15 (60+).
  const span = scheme === "age_broad" ? 15 : 5;
  const open = scheme === "age_broad" ? "60+" : "80+";
  return all.filter((c) => {
    const m = /^(\d+)-(\d+)$/.exec(c.code);
    return c.code === open || (m && Number(m[2]) - Number(m[1]) + 1 === span);
  });
}

// "unknown" has no population: no rate, no map. It stays in the downloads, not in the filters.
const NOT_A_FILTER = new Set(["total", "unknown"]);

function sexCodes() {
  return (app.dims.sex || []).filter((c) => !NOT_A_FILTER.has(c.code));
}

function territory(code) {
  return app.territories.get(code) || null;
}

function departmentOf(code) {
  const terr = territory(code);
  if (!terr) return "";
  return terr.level === "municipality"
    ? terr.parent || ""
    : terr.level === "department"
      ? code
      : "";
}

/** The current map dimensions: the level (if published) and sex and age when chosen. */
function viewDims(ind, state = app.state) {
  const dims = levelDims(ind, state.level);
  if (state.sex !== "total") dims.push("sex");
  if (state.age !== "total") {
    const scheme = ageScheme(ind, dims);
    if (scheme) dims.push(scheme);
  }
  return dims;
}

/** Make the state something the release publishes, changing as little as possible. */
function normalise() {
  const s = app.state;
  const ind = indicator();
  if (!ind) return;
  s.indicator = ind.code;
  const first = ind.first_year || s.year;
  const last = ind.last_year || s.year;
  if (!(s.year >= first && s.year <= last)) s.year = last;
  if (!LEVELS.includes(s.level) || !published(ind, [s.level])) {
    s.level = LEVELS.find((l) => published(ind, [l])) || "department";
  }
  const terr = territory(s.territory);
  if (!terr || terr.level === "country") s.territory = "";
  else if (terr.level === "municipality") {
    if (published(ind, ["municipality"])) s.level = "municipality";
    else s.territory = terr.parent || "";
  }
  const dims = levelDims(ind, s.level);
  if (
    s.sex !== "total" &&
    (!published(ind, [...dims, "sex"]) || !sexCodes().some((c) => c.code === s.sex))
  ) {
    s.sex = "total";
  }
  if (s.age !== "total") {
    const withSex = s.sex !== "total" ? [...dims, "sex"] : dims;
    const scheme = ageScheme(ind, withSex);
    if (!scheme || !ageCodes(scheme).some((c) => c.code === s.age)) s.age = "total";
  }
}

// -- loading -----------------------------------------------------------------------------------

function setStatus(message, kind) {
  const status = $("status");
  status.textContent = message;
  status.className = `status ${kind}`;
  document.body.dataset.state = kind;
  $("main").setAttribute("aria-busy", kind === "loading" ? "true" : "false");
}

function errorText(err) {
  if (err instanceof ApiError) {
    if (err.offline) return t("status.offline");
    return err.message || t("status.http", { status: err.status });
  }
  return String((err && err.message) || err);
}

async function loadLanguage() {
  const lang = app.state.lang;
  const [info, inds, codes] = await Promise.all([
    getJson("", {}),
    getJson("indicators", { lang }),
    getJson("codes", { lang }),
  ]);
  app.info = info;
  app.indicators = inds.indicators || [];
  app.territories = new Map((codes.territories || []).map((c) => [c.code, c]));
  app.country = (codes.territories || []).find((c) => c.level === "country") || null;
  app.dims = codes.dimensions || {};
}

// -- filters -------------------------------------------------------------------------------------

function fillSelect(select, options, value) {
  const frag = document.createDocumentFragment();
  for (const o of options) {
    if (o.group) {
      const group = document.createElement("optgroup");
      group.label = o.group;
      for (const item of o.items) group.appendChild(new Option(item.label, item.value));
      frag.appendChild(group);
    } else {
      const option = new Option(o.label, o.value);
      if (o.disabled) option.disabled = true;
      frag.appendChild(option);
    }
  }
  select.replaceChildren(frag);
  select.value = String(value);
}

function setAvailable(select, note, available, message) {
  select.disabled = !available;
  note.textContent = available ? "" : message;
  select.closest(".field").classList.toggle("unavailable", !available);
}

function renderFilters(ind) {
  const s = app.state;
  fillSelect(
    $("f-indicator"),
    app.indicators.map((i) => ({
      value: i.code,
      label: i.sdg ? `${i.short || i.name} (${t("notes.sdg")} ${i.sdg})` : i.short || i.name,
    })),
    s.indicator,
  );
  const years = [];
  for (let y = ind.last_year; y >= ind.first_year; y--) years.push({ value: y, label: String(y) });
  fillSelect($("f-year"), years, s.year);

  fillSelect(
    $("f-level"),
    LEVELS.map((l) => ({ value: l, label: t(`level.${l}`), disabled: !published(ind, [l]) })),
    s.level,
  );
  const levelsOk = LEVELS.filter((l) => published(ind, [l]));
  setAvailable($("f-level"), $("note-level"), levelsOk.length > 0, t("not_published"));
  if (levelsOk.length === 1)
    $("note-level").textContent =
      `${t(`level.${LEVELS.find((l) => !levelsOk.includes(l))}`)}: ${t("not_published")}`;

  const all = [...app.territories.values()];
  const depts = all.filter((c) => c.level === "department");
  const dept = departmentOf(s.territory);
  fillSelect(
    $("f-department"),
    [
      { value: "", label: t("filters.all_country") },
      ...depts.map((d) => ({ value: d.code, label: d.name })),
    ],
    dept,
  );
  const munis = all.filter((c) => c.level === "municipality");
  const muniOptions = dept
    ? munis.filter((m) => m.parent === dept).map((m) => ({ value: m.code, label: m.name }))
    : depts
        .map((d) => ({
          group: d.name,
          items: munis
            .filter((m) => m.parent === d.code)
            .map((m) => ({ value: m.code, label: m.name })),
        }))
        .filter((g) => g.items.length);
  const current = territory(s.territory);
  fillSelect(
    $("f-municipality"),
    [{ value: "", label: t("filters.all_municipalities") }, ...muniOptions],
    current && current.level === "municipality" ? current.code : "",
  );
  setAvailable(
    $("f-municipality"),
    $("note-municipality"),
    published(ind, ["municipality"]),
    t("not_published"),
  );

  const dims = levelDims(ind, s.level);
  const scheme = ageScheme(ind, s.sex !== "total" ? [...dims, "sex"] : dims);
  const sexAlone = published(ind, [...dims, "sex"]);
  const ageWith = s.age !== "total" ? [ageScheme(ind, dims)].filter(Boolean) : [];
  const sexOk = sexAlone && (ageWith.length === 0 || published(ind, [...dims, "sex", ...ageWith]));
  fillSelect(
    $("f-sex"),
    [
      { value: "total", label: labelOf("sex", "total") },
      ...sexCodes().map((c) => ({ value: c.code, label: c.label })),
    ],
    s.sex,
  );
  setAvailable(
    $("f-sex"),
    $("note-sex"),
    sexOk || s.sex !== "total",
    sexAlone
      ? t("not_published_combo", { other: t("filters.age").toLowerCase() })
      : t("not_published"),
  );

  const ageAlone = ageScheme(ind, dims);
  const ageOk = Boolean(scheme);
  fillSelect(
    $("f-age"),
    [
      { value: "total", label: t("filters.all_ages") },
      ...(ageOk ? ageCodes(scheme) : []).map((c) => ({ value: c.code, label: c.label })),
    ],
    s.age,
  );
  setAvailable(
    $("f-age"),
    $("note-age"),
    ageOk || s.age !== "total",
    ageAlone
      ? t("not_published_combo", { other: t("filters.sex").toLowerCase() })
      : t("not_published"),
  );
}

function labelOf(dim, code) {
  const item = (app.dims[dim] || []).find((c) => c.code === code);
  if (item) return item.label;
  return code === "total" ? "Total" : code;
}

function bindFilters() {
  $("f-indicator").addEventListener("change", (e) => change({ indicator: e.target.value }));
  $("f-year").addEventListener("change", (e) => change({ year: Number(e.target.value) }));
  $("f-level").addEventListener("change", (e) => {
    const level = e.target.value;
    const patch = { level };
    const terr = territory(app.state.territory);
    if (level === "department" && terr && terr.level === "municipality")
      patch.territory = terr.parent || "";
    change(patch);
  });
  $("f-department").addEventListener("change", (e) => {
    const code = e.target.value;
    const drill = code && published(indicator(), ["municipality"]);
    change({ territory: code, level: drill ? "municipality" : "department" });
  });
  $("f-municipality").addEventListener("change", (e) => {
    const code = e.target.value;
    change(
      code
        ? { territory: code, level: "municipality" }
        : { territory: departmentOf(app.state.territory) },
    );
  });
  $("f-sex").addEventListener("change", (e) => change({ sex: e.target.value }));
  $("f-age").addEventListener("change", (e) => change({ age: e.target.value }));
  $("filters").addEventListener("submit", (e) => e.preventDefault());
  $("reset").addEventListener("click", () => change({ territory: "", level: "department" }));
  for (const button of document.querySelectorAll("button[data-lang]")) {
    button.addEventListener("click", () => change({ lang: button.dataset.lang }));
  }
  $("release-files").addEventListener("toggle", () => {
    if ($("release-files").open) renderFiles();
  });
  window.addEventListener("popstate", () => {
    app.state = readUrl();
    app.focusMap = false;
    render();
  });
}

// -- the pieces of the view ---------------------------------------------------------------------

function unitText(ind) {
  return has(app.state.lang, `unit.${ind.unit}`)
    ? t(`unit.${ind.unit}`)
    : ind.unit_measure || ind.unit;
}

function fmt(ind) {
  return (v) => formatNumber(app.state.lang, v, ind.decimals ?? 1);
}

const fmtInt = (v) => formatNumber(app.state.lang, Math.round(v), 0);

function flagText(row) {
  const flags = [];
  if (isWithheld(row)) flags.push(t(row.conf_status === "D" ? "flag.D" : "flag.A"));
  if (row.unstable) flags.push(t("flag.unstable"));
  return flags.join("; ");
}

function valueText(ind, row) {
  if (!row) return t("legend.nodata");
  if (isWithheld(row)) return t("legend.suppressed");
  if (row.value === null || row.value === undefined) return t("legend.nodata");
  const unstable = row.unstable ? ` (${t("trend.unstable")})` : "";
  return `${fmt(ind)(row.value)} ${unitText(ind)}${unstable}`;
}

function placeName(code) {
  if (!code) return (app.info && app.info.country_name) || (app.country && app.country.name) || "";
  const terr = territory(code);
  if (!terr) return code;
  const parent = terr.level === "municipality" ? territory(terr.parent) : null;
  if (parent) return `${terr.name} (${parent.name})`;
  return terr.level === "department"
    ? `${terr.name} (${t("filters.department").toLowerCase()})`
    : terr.name;
}

function selectionSuffix() {
  const s = app.state;
  const bits = [];
  if (s.sex !== "total") bits.push(labelOf("sex", s.sex).toLowerCase());
  if (s.age !== "total") bits.push(labelOf("age", s.age));
  return bits.length ? `, ${bits.join(", ")}` : "";
}

function renderRelease() {
  const info = app.info || {};
  const box = $("release");
  box.replaceChildren();
  const parts = [
    info.country_name,
    info.version && `${t("release.version")} ${info.version}`,
    info.created && `${t("release.created")} ${formatDate(app.state.lang, info.created)}`,
  ].filter(Boolean);
  box.append(parts.join(" · "));
  if (info.licence) {
    box.append(` · ${t("release.licence")}: `);
    const link = document.createElement("a");
    link.textContent = info.licence;
    link.href = info.licence_url || "#";
    if (!info.licence_url) link.removeAttribute("href");
    link.rel = "license";
    box.append(link);
  }
  $("footer-licence").replaceChildren(...[...box.childNodes].map((n) => n.cloneNode(true)));
  for (const button of document.querySelectorAll("button[data-lang]")) {
    button.setAttribute("aria-pressed", String(button.dataset.lang === app.state.lang));
  }
}

function renderNotes(ind) {
  const facts = $("notes-facts");
  facts.replaceChildren();
  const add = (key, value) => {
    if (!value) return;
    const dt = document.createElement("dt");
    dt.textContent = t(key);
    const dd = document.createElement("dd");
    dd.textContent = value;
    facts.append(dt, dd);
  };
  add("notes.sdg", ind.sdg);
  add("notes.unit", unitText(ind));
  add("notes.iccs", (ind.iccs || []).join(", "));
  add(
    "notes.counting",
    has(app.state.lang, `counting.${ind.counting}`) ? t(`counting.${ind.counting}`) : ind.counting,
  );
  add(
    "notes.date_basis",
    has(app.state.lang, `date_basis.${ind.date_basis}`)
      ? t(`date_basis.${ind.date_basis}`)
      : ind.date_basis,
  );
  add("notes.years", ind.first_year ? `${ind.first_year}–${ind.last_year}` : "");
  $("notes-text").textContent = ind.notes || "";
}

async function renderFiles() {
  const list = $("files-list");
  if (list.dataset.lang === app.state.lang && list.childElementCount) return;
  list.replaceChildren(
    Object.assign(document.createElement("li"), { textContent: t("download.loading") }),
  );
  try {
    const data = await getJson("downloads", { lang: app.state.lang });
    list.replaceChildren();
    for (const file of data.files || []) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = new URL(file.url || file.path, apiUrl("downloads")).href;
      a.textContent = file.title || file.path;
      li.append(a, ` (${file.format}, ${formatBytes(file.bytes)})`);
      list.append(li);
    }
    list.dataset.lang = app.state.lang;
  } catch (err) {
    list.replaceChildren(
      Object.assign(document.createElement("li"), {
        textContent: errorText(err),
        className: "error",
      }),
    );
  }
}

function formatBytes(bytes) {
  if (!(bytes >= 0)) return "";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${formatNumber(app.state.lang, bytes / 1024, 0)} kB`;
  return `${formatNumber(app.state.lang, bytes / 1024 / 1024, 1)} MB`;
}

function observationParams(ind) {
  const s = app.state;
  const dims = viewDims(ind);
  const parent =
    s.level === "municipality" && dims.includes("municipality") ? departmentOf(s.territory) : "";
  return observationQuery(s, ind.code, dims, parent);
}

/** The observations query of a view (one function, so that a prefetch asks the same URL). */
function observationQuery(s, code, dims, parent) {
  const params = { indicator: code, by: dims.join(","), year: s.year };
  if (parent) params.parent = parent;
  if (s.sex !== "total") params.sex = s.sex;
  if (s.age !== "total") params.age = s.age;
  params.lang = s.lang;
  return params;
}

/** The series query: no territory means the country (the API's default). */
function seriesParams(s, code) {
  return {
    indicator: code,
    territory: s.territory,
    sex: s.sex !== "total" ? s.sex : "",
    age: s.age !== "total" ? s.age : "",
    lang: s.lang,
  };
}

/**
 * A link that names its view (shared, reloaded) of the whole country: ask for its figures now,
 * while the catalogue is on its way; render() then finds them in the cache. On a slow line this
 * saves a round trip. A guess that turns out wrong only costs a request.
 */
function prefetch(s) {
  if (!s.indicator || !s.year || s.territory || s.age !== "total" || !LEVELS.includes(s.level))
    return;
  const dims = s.sex !== "total" ? [s.level, "sex"] : [s.level];
  getJson("observations", observationQuery(s, s.indicator, dims, "")).catch(() => {});
  getJson("territories", { level: s.level, parent: "" }).catch(() => {});
  getJson("series", seriesParams(s, s.indicator)).catch(() => {});
}

function selectedOnMap() {
  const s = app.state;
  if (s.level === "department") return departmentOf(s.territory);
  return s.territory;
}

function renderMap(ind, geo, rows) {
  const s = app.state;
  const byCode = new Map(rows.map((r) => [r.territory, r]));
  const features = (geo && geo.features) || [];
  const drawn = drawMap($("map"), features, {
    rows: byCode,
    selected: selectedOnMap(),
    label: (f, row) => `${f.properties.name}: ${valueText(ind, row)}`,
    onSelect: (f) => selectTerritory(f.properties.code, true),
    tooltip: $("tooltip"),
    wrap: $("map-wrap"),
  });
  $("map").dataset.level = s.level;
  $("map-label").textContent = t("map.label", {
    indicator: ind.short || ind.name,
    year: s.year,
    level: t(`level.${s.level}`).toLowerCase(),
  });
  $("map-hint").textContent = s.level === "department" ? t("map.hint") : t("map.hint_muni");
  renderLegend(ind, drawn);
}

function renderLegend(ind, drawn) {
  const f = fmt(ind);
  $("legend-unit").textContent = `${unitText(ind)} · ${t("legend.method")}`;
  const items = [];
  const { breaks, classCount, exact } = drawn;
  for (let i = 0; i < classCount; i++) {
    const lo = breaks[i];
    const hi = breaks[i + 1];
    const label = exact || lo === hi ? f(hi) : `${f(lo)} – ${f(hi)}`;
    items.push([`q${paletteStep(i, classCount)}`, label, "class"]);
  }
  items.push(["withheld", t("legend.suppressed"), "withheld"]);
  items.push(["nodata", t("legend.nodata"), "nodata"]);
  items.push(["selected-key", t("legend.selected"), "selected"]);
  const list = $("legend-items");
  list.replaceChildren();
  for (const [cls, label, kind] of items) {
    const li = document.createElement("li");
    li.dataset.kind = kind;
    li.append(swatch(cls), document.createTextNode(label));
    list.append(li);
  }
}

function renderTable(ind, rows) {
  const s = app.state;
  const dept = departmentOf(s.territory);
  const levelText =
    s.level === "municipality" && dept
      ? `${t("level.municipality").toLowerCase()} · ${placeName(dept)}`
      : t(`level.${s.level}`).toLowerCase();
  drawTable($("table"), rows, {
    lang: s.lang,
    t,
    fmt: fmt(ind),
    fmtInt,
    caption: t("table.caption", {
      indicator: ind.short || ind.name,
      year: s.year,
      level: levelText,
      filters: selectionSuffix(),
    }),
    sort: app.sort,
    onSort: (sort) => {
      app.sort = sort;
      renderTable(ind, app.rows);
      // The header was redrawn: keep the keyboard on the button just used.
      const button = $("table").querySelector(`thead button[data-key="${sort.key}"]`);
      if (button) button.focus();
    },
    selected: selectedOnMap(),
    flagText,
    unitIsRate: String(ind.unit).startsWith("per_"),
    onSelect: (row) => selectTerritory(row.territory, false),
  });
  const csv = apiUrl("observations", { ...observationParams(ind), format: "csv" });
  $("download-csv").href = csv.href;
  $("download-json").href = apiUrl("observations", observationParams(ind)).href;
}

function renderTrend(ind, rows) {
  const s = app.state;
  const f = fmt(ind);
  const place = placeName(s.territory) + selectionSuffix();
  $("trend-label").textContent = t("trend.label", {
    indicator: ind.short || ind.name,
    territory: place,
  });
  const sorted = [...rows].sort((a, b) => a.year - b.year);
  const drawn = drawTrend($("trend"), sorted, {
    year: s.year,
    width: $("trend").getBoundingClientRect().width || 640,
    format: (v, decimals) => formatNumber(s.lang, v, decimals ?? ind.decimals ?? 1),
    texts: { unstable: t("trend.unstable"), withheld: flagText },
  });
  const valued = sorted.filter((r) => r.value !== null && r.value !== undefined);
  const last = valued[valued.length - 1];
  $("trend-summary").textContent =
    valued.length > 1
      ? t("trend.summary", {
          territory: place,
          first: f(valued[0].value),
          y0: valued[0].year,
          last: f(last.value),
          y1: last.year,
        })
      : valued.length === 1
        ? t("trend.summary_one", { territory: place, value: f(last.value), year: last.year })
        : t("trend.empty");
  $("trend").classList.toggle("empty", drawn === 0 && !sorted.length);

  const table = $("series-table");
  const head = document.createElement("tr");
  for (const key of ["table.year", "table.value", "table.interval", "table.count", "table.flags"]) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = t(key);
    head.append(th);
  }
  table.querySelector("thead").replaceChildren(head);
  const body = document.createDocumentFragment();
  for (const r of sorted) {
    const tr = document.createElement("tr");
    const withheld = isWithheld(r);
    const cells = [
      String(r.year),
      withheld ? t("flag.withheld") : f(r.value),
      r.lower !== null && r.lower !== undefined ? `${f(r.lower)} – ${f(r.upper)}` : "",
      r.numerator === null || r.numerator === undefined ? "" : fmtInt(r.numerator),
      flagText(r),
    ];
    cells.forEach((c, i) => {
      const cell = document.createElement(i === 0 ? "th" : "td");
      if (i === 0) cell.scope = "row";
      if (i > 0 && i < 4) cell.className = "num";
      cell.textContent = c;
      tr.append(cell);
    });
    body.append(tr);
  }
  table.querySelector("tbody").replaceChildren(body);
  return sorted.find((r) => r.year === s.year) || null;
}

function renderHeadline(ind, row) {
  const s = app.state;
  const f = fmt(ind);
  $("headline-title").textContent = ind.name;
  $("headline-place").textContent = `${placeName(s.territory)} · ${s.year}${selectionSuffix()}`;
  const value = $("headline-value");
  const detail = [];
  value.classList.remove("withheld-text");
  if (!row) {
    value.textContent = "—";
    detail.push(t("legend.nodata"));
  } else if (isWithheld(row)) {
    value.textContent = t("flag.withheld");
    value.classList.add("withheld-text");
    detail.push(flagText(row));
  } else {
    value.textContent = f(row.value);
    if (row.lower !== null && row.lower !== undefined)
      detail.push(`${t("headline.ci")}: ${f(row.lower)} – ${f(row.upper)}`);
    if (row.numerator !== null && row.numerator !== undefined) {
      const unit = has(s.lang, `counting.${ind.counting}`) ? t(`counting.${ind.counting}`) : "";
      detail.push(`${t("headline.count")}: ${fmtInt(row.numerator)} ${unit}`.trim());
    }
    if (
      row.denominator !== null &&
      row.denominator !== undefined &&
      String(ind.unit).startsWith("per_")
    ) {
      detail.push(`${t("headline.population")}: ${fmtInt(row.denominator)}`);
    }
    if (row.unstable) detail.push(t("flag.unstable"));
  }
  $("headline-unit").textContent = row && !isWithheld(row) ? unitText(ind) : "";
  $("headline-detail").textContent = detail.join(" · ");
}

/** A territory chosen on the map or in the table: a department drills into its municipalities. */
function selectTerritory(code, fromMap) {
  const terr = territory(code);
  const ind = indicator();
  if (!terr) return;
  if (terr.level === "department" && published(ind, ["municipality"])) {
    change({ territory: code, level: "municipality" }, { focusMap: fromMap });
  } else {
    change({ territory: code }, { focusMap: fromMap });
  }
}

// -- one render -----------------------------------------------------------------------------------

async function render() {
  const token = ++app.token;
  setStatus(text(app.state.lang, "status.loading"), "loading");
  translatePage(app.state.lang);
  try {
    await loadLanguage();
  } catch (err) {
    if (token === app.token) setStatus(t("status.error", { message: errorText(err) }), "error");
    return;
  }
  if (token !== app.token) return;
  normalise();
  writeUrl("replace");
  const ind = indicator();
  if (!ind) {
    renderRelease();
    setStatus(t("status.error", { message: t("table.empty") }), "error");
    return;
  }
  // Ask for the data first, then draw the controls while it travels.
  const s = app.state;
  const dims = levelDims(ind, s.level);
  const geoParams = dims.length
    ? { level: s.level, parent: s.level === "municipality" ? departmentOf(s.territory) : "" }
    : null;
  const pending = Promise.allSettled([
    getJson("observations", observationParams(ind)),
    geoParams ? getJson("territories", geoParams) : Promise.resolve({ features: [] }),
    getJson("series", seriesParams(s, ind.code)),
  ]);
  renderRelease();
  renderFilters(ind);
  $("reset").hidden = !s.territory && s.level === "department";
  renderNotes(ind);
  if ($("release-files").open) renderFiles();
  const [obs, geo, series] = await pending;
  if (token !== app.token) return;

  const errors = [];
  app.rows = obs.status === "fulfilled" ? obs.value.rows || [] : [];
  if (obs.status === "rejected") errors.push(errorText(obs.reason));
  if (geo.status === "rejected") errors.push(errorText(geo.reason));
  renderMap(ind, geo.status === "fulfilled" ? geo.value : null, app.rows);
  if (!dims.length) $("map-hint").textContent = t("map.none");
  renderTable(ind, app.rows);
  let current = null;
  app.lastSeries = series.status === "fulfilled" ? series.value.rows || [] : [];
  current = renderTrend(ind, app.lastSeries);
  if (series.status === "rejected") {
    // A series the release does not publish (404) is no failure: the panel says so.
    const reason = series.reason;
    if (reason instanceof ApiError && reason.status === 404) {
      $("trend-label").textContent =
        `${$("trend-label").textContent}: ${t("trend.empty")} ${reason.message}`.trim();
    } else {
      errors.push(errorText(reason));
    }
  }
  renderHeadline(ind, current);

  if (app.focusMap) {
    app.focusMap = false;
    const target =
      $("map").querySelector(`path[data-code="${CSS.escape(selectedOnMap())}"]`) ||
      $("map").querySelector("path.region");
    if (target) target.focus();
  }
  if (errors.length)
    setStatus(t("status.error", { message: [...new Set(errors)].join(" ") }), "error");
  else setStatus(t("status.ready", { indicator: ind.short || ind.name, year: s.year }), "ready");
  if (!performance.getEntriesByName("ciudadana-ready").length) performance.mark("ciudadana-ready");
}

function start() {
  app.state = readUrl();
  prefetch(app.state);
  bindFilters();
  let width = window.innerWidth;
  let timer = 0;
  window.addEventListener("resize", () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (Math.abs(window.innerWidth - width) < 40) return;
      width = window.innerWidth;
      const ind = indicator();
      const series = app.lastSeries;
      if (ind && series) renderTrend(ind, series);
    }, 150);
  });
  render();
}

start();
