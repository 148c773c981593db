// The choropleth: GeoJSON drawn as SVG paths with our own projection (equirectangular, x scaled
// by the cosine of the mean latitude, fitted to the box), five classes by natural breaks, a
// colour-blind-safe sequential palette (ColorBrewer YlOrRd), a hatch for withheld cells and grey
// for no data. Regions are focusable buttons: Enter or Space selects, hover or focus shows a
// tooltip. Styles are classes in app.css (the page's CSP forbids inline style attributes).

const SVG = "http://www.w3.org/2000/svg";
export const CLASSES = 5;
const WIDTH = 600;

/** An SVG element with attributes. */
export function svgEl(name, attrs = {}, parent = null) {
  const el = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  if (parent) parent.appendChild(el);
  return el;
}

/**
 * Class bounds by Fisher-Jenks natural breaks: `[min, b1, ..., max]`, at most `k` classes. With
 * `k` or fewer distinct values each value is a class of its own.
 */
export function naturalBreaks(values, k = CLASSES) {
  const data = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (data.length === 0) return [];
  const distinct = [...new Set(data)];
  if (distinct.length <= k) {
    const breaks = [distinct[0], ...distinct];
    breaks.exact = true; // one class per value: the legend names the value, not a range
    return breaks;
  }
  const n = data.length;
  const lower = Array.from({ length: n + 1 }, () => new Array(k + 1).fill(0));
  const variance = Array.from({ length: n + 1 }, () => new Array(k + 1).fill(0));
  for (let j = 1; j <= k; j++) {
    lower[1][j] = 1;
    for (let i = 2; i <= n; i++) variance[i][j] = Infinity;
  }
  for (let l = 2; l <= n; l++) {
    let sum = 0;
    let sumSq = 0;
    let w = 0;
    let v = 0;
    for (let m = 1; m <= l; m++) {
      const i3 = l - m + 1;
      const val = data[i3 - 1];
      w += 1;
      sum += val;
      sumSq += val * val;
      v = sumSq - (sum * sum) / w;
      const i4 = i3 - 1;
      if (i4 !== 0) {
        for (let j = 2; j <= k; j++) {
          if (variance[l][j] >= v + variance[i4][j - 1]) {
            lower[l][j] = i3;
            variance[l][j] = v + variance[i4][j - 1];
          }
        }
      }
    }
    lower[l][1] = 1;
    variance[l][1] = v;
  }
  const breaks = new Array(k + 1);
  breaks[k] = data[n - 1];
  breaks[0] = data[0];
  let last = n;
  for (let j = k; j >= 2; j--) {
    const id = lower[last][j] - 2;
    breaks[j - 1] = data[id];
    last = lower[last][j] - 1;
  }
  return breaks.filter((b, i) => i === 0 || b !== breaks[i - 1]);
}

/** The class (0-based) of `value` given `breaks` from naturalBreaks; -1 if none. */
export function classOf(value, breaks) {
  if (!Number.isFinite(value) || breaks.length < 2) return -1;
  for (let i = 1; i < breaks.length; i++) if (value <= breaks[i]) return i - 1;
  return breaks.length - 2;
}

/** The palette step (q0..q4) of class `i` of `count` classes, spread over the five colours. */
export function paletteStep(i, count) {
  if (count <= 1) return 2;
  return Math.round((i * (CLASSES - 1)) / (count - 1));
}

function rings(geometry) {
  if (!geometry) return [];
  if (geometry.type === "Polygon") return geometry.coordinates;
  if (geometry.type === "MultiPolygon") return geometry.coordinates.flat();
  if (geometry.type === "GeometryCollection") return geometry.geometries.flatMap(rings);
  return [];
}

/** A projection fitted to `features`: {project([lon, lat]) -> [x, y], width, height}. */
export function fitProjection(features, width = WIDTH, pad = 8) {
  let minLon = Infinity;
  let maxLon = -Infinity;
  let minLat = Infinity;
  let maxLat = -Infinity;
  for (const f of features) {
    for (const ring of rings(f.geometry)) {
      for (const [lon, lat] of ring) {
        if (lon < minLon) minLon = lon;
        if (lon > maxLon) maxLon = lon;
        if (lat < minLat) minLat = lat;
        if (lat > maxLat) maxLat = lat;
      }
    }
  }
  if (!Number.isFinite(minLon)) return { project: () => [0, 0], width, height: width / 2 };
  const k = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const dx = Math.max((maxLon - minLon) * k, 1e-9);
  const dy = Math.max(maxLat - minLat, 1e-9);
  const height = Math.round(Math.min(Math.max((width * dy) / dx, width * 0.5), width * 1.2));
  const scale = Math.min((width - 2 * pad) / dx, (height - 2 * pad) / dy);
  const ox = (width - dx * scale) / 2;
  const oy = (height - dy * scale) / 2;
  const project = ([lon, lat]) => [ox + (lon - minLon) * k * scale, oy + (maxLat - lat) * scale];
  return { project, width, height };
}

/** The SVG path data of a GeoJSON geometry under `project`. */
export function pathData(geometry, project) {
  const parts = [];
  for (const ring of rings(geometry)) {
    if (!ring.length) continue;
    const pts = ring.map((c) =>
      project(c)
        .map((n) => n.toFixed(1))
        .join(","),
    );
    parts.push(`M${pts.join("L")}Z`);
  }
  return parts.join("");
}

function hatchDefs(svg) {
  const defs = svgEl("defs", {}, svg);
  const pattern = svgEl(
    "pattern",
    {
      id: "hatch-withheld",
      patternUnits: "userSpaceOnUse",
      width: 6,
      height: 6,
      patternTransform: "rotate(45)",
    },
    defs,
  );
  svgEl("rect", { width: 6, height: 6, fill: "#ffffff" }, pattern);
  svgEl("line", { x1: 0, y1: 0, x2: 0, y2: 6, stroke: "#525252", "stroke-width": 2.2 }, pattern);
  return defs;
}

/** A small SVG swatch for the legend with the same classes as the map's regions. */
export function swatch(className) {
  const svg = svgEl("svg", {
    class: "swatch",
    width: 22,
    height: 14,
    viewBox: "0 0 22 14",
    "aria-hidden": "true",
    focusable: "false",
  });
  svgEl("rect", { x: 0.5, y: 0.5, width: 21, height: 13, class: className }, svg);
  return svg;
}

/**
 * Draw `features` into the <svg> `svg`.
 *
 * options: rows (Map code -> observation row), selected (code), label(feature, row) -> text for
 * the region's aria-label and tooltip, onSelect(feature), tooltip (the tooltip element),
 * wrap (its positioned container). Returns {breaks, counts} for the legend.
 */
export function drawMap(svg, features, options) {
  const { rows, selected, label, onSelect, tooltip, wrap } = options;
  while (svg.firstChild) svg.removeChild(svg.firstChild);
  const { project, width, height } = fitProjection(features);
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  hatchDefs(svg);

  const values = [];
  for (const f of features) {
    const row = rows.get(f.properties.code);
    if (row && row.value !== null && row.value !== undefined) values.push(row.value);
  }
  const breaks = naturalBreaks(values);
  const classCount = Math.max(breaks.length - 1, 0);

  const regions = svgEl("g", { class: "regions" }, svg);
  const overlay = svgEl("g", { class: "overlay", "aria-hidden": "true" }, svg);
  const selectedOutline = svgEl("path", { class: "selected-outline", d: "" }, overlay);
  const focusOutline = svgEl("path", { class: "focus-outline", d: "" }, overlay);
  let suppressed = 0;
  let missing = 0;

  const sorted = [...features].sort((a, b) =>
    String(a.properties.code).localeCompare(String(b.properties.code)),
  );
  for (const feature of sorted) {
    const code = feature.properties.code;
    const row = rows.get(code);
    const d = pathData(feature.geometry, project);
    let cls = "region nodata";
    if (row && row.value !== null && row.value !== undefined) {
      cls = `region q${paletteStep(classOf(row.value, breaks), classCount)}`;
    } else if (row && (row.suppressed || row.conf_status === "A" || row.conf_status === "D")) {
      cls = "region withheld";
      suppressed += 1;
    } else {
      missing += 1;
    }
    const text = label(feature, row);
    const path = svgEl(
      "path",
      { d, class: cls, tabindex: 0, role: "button", "aria-label": text, "data-code": code },
      regions,
    );
    if (code === selected) {
      path.setAttribute("aria-pressed", "true");
      selectedOutline.setAttribute("d", d);
    }
    const show = (x, y) => showTooltip(tooltip, wrap, text, x, y);
    path.addEventListener("mousemove", (e) => show(e.clientX, e.clientY));
    path.addEventListener("mouseleave", () => hideTooltip(tooltip));
    path.addEventListener("focus", () => {
      focusOutline.setAttribute("d", d);
      const box = path.getBoundingClientRect();
      show(box.left + box.width / 2, box.top + box.height / 2);
    });
    path.addEventListener("blur", () => {
      focusOutline.setAttribute("d", "");
      hideTooltip(tooltip);
    });
    path.addEventListener("click", () => onSelect(feature));
    path.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " " || e.key === "Spacebar") {
        e.preventDefault();
        onSelect(feature);
      }
    });
  }
  return { breaks, classCount, exact: Boolean(breaks.exact), suppressed, missing };
}

function showTooltip(tooltip, wrap, text, clientX, clientY) {
  if (!tooltip || !wrap) return;
  tooltip.textContent = text;
  tooltip.hidden = false;
  const box = wrap.getBoundingClientRect();
  const tip = tooltip.getBoundingClientRect();
  let x = clientX - box.left + 12;
  let y = clientY - box.top + 12;
  if (x + tip.width > box.width) x = Math.max(0, clientX - box.left - tip.width - 12);
  if (y + tip.height > box.height) y = Math.max(0, clientY - box.top - tip.height - 12);
  tooltip.style.left = `${Math.round(x)}px`;
  tooltip.style.top = `${Math.round(y)}px`;
}

function hideTooltip(tooltip) {
  if (tooltip) tooltip.hidden = true;
}
