// The trend: an SVG line chart of a yearly series with its 95% confidence interval as a band.
// Withheld years break the line and carry a marker on the axis; unstable values are hollow.

import { svgEl } from "./map.js";

const M = { top: 16, right: 18, bottom: 34, left: 58 };

/** Round numbers for an axis from 0 to about `max`: {max, ticks}. */
export function niceScale(max, count = 4) {
  if (!(max > 0)) return { max: 1, ticks: [0, 0.25, 0.5, 0.75, 1] };
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((s) => s * mag).find((s) => s >= raw) || raw;
  const top = Math.ceil(max / step) * step;
  const ticks = [];
  for (let v = 0; v <= top + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  return { max: top, ticks };
}

function isWithheld(row) {
  return (
    (row.value === null || row.value === undefined) &&
    (row.suppressed || row.conf_status === "A" || row.conf_status === "D")
  );
}

/**
 * Draw `rows` (one per year) into the <svg> `svg`.
 *
 * options: year (the selected year, marked), width (of the drawing), format(value, decimals?)
 * (decimals given for the axis' ticks, else the indicator's), texts
 * {unstable, withheld(row)} for the markers' titles. Returns the number of points drawn.
 */
export function drawTrend(svg, rows, options) {
  const { year, format, texts } = options;
  // Drawn at the size it is shown, so that its text keeps the page's size on a phone too.
  const W = Math.round(Math.max(300, Math.min(900, options.width || 640)));
  const H = Math.round(Math.max(220, Math.min(320, W * 0.5)));
  while (svg.firstChild) svg.removeChild(svg.firstChild);
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  const series = [...rows].sort((a, b) => a.year - b.year);
  if (!series.length) return 0;
  const years = series.map((r) => r.year);
  const y0 = Math.min(...years);
  const y1 = Math.max(...years);
  const top = Math.max(
    0,
    ...series.map((r) => r.upper ?? r.value ?? 0),
    ...series.map((r) => r.value ?? 0),
  );
  const scale = niceScale(top);
  const step = scale.ticks[1] - scale.ticks[0];
  const tickDecimals = Math.min(
    3,
    (String(Number(step.toPrecision(6))).split(".")[1] || "").length,
  );
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const x = (yr) => M.left + (y1 === y0 ? plotW / 2 : ((yr - y0) / (y1 - y0)) * plotW);
  const y = (v) => M.top + plotH - (v / scale.max) * plotH;

  const axes = svgEl("g", { class: "axes", "aria-hidden": "true" }, svg);
  for (const tick of scale.ticks) {
    svgEl("line", { x1: M.left, x2: W - M.right, y1: y(tick), y2: y(tick), class: "grid" }, axes);
    const label = svgEl(
      "text",
      { x: M.left - 6, y: y(tick) + 4, class: "tick", "text-anchor": "end" },
      axes,
    );
    label.textContent = format(tick, tickDecimals);
  }
  const every = Math.max(1, Math.ceil(years.length / 8));
  years.forEach((yr, i) => {
    if (i % every !== 0 && yr !== y1) return;
    const label = svgEl(
      "text",
      { x: x(yr), y: H - M.bottom + 18, class: "tick", "text-anchor": "middle" },
      axes,
    );
    label.textContent = String(yr);
  });
  svgEl("line", { x1: M.left, x2: W - M.right, y1: y(0), y2: y(0), class: "axis" }, axes);

  if (year !== undefined && year >= y0 && year <= y1) {
    svgEl("line", { x1: x(year), x2: x(year), y1: M.top, y2: y(0), class: "year-mark" }, svg);
  }

  // Contiguous runs of years with a value: a band and a line each; withheld years break them.
  const runs = [];
  let run = [];
  for (const row of series) {
    if (row.value === null || row.value === undefined) {
      if (run.length) runs.push(run);
      run = [];
    } else {
      run.push(row);
    }
  }
  if (run.length) runs.push(run);

  const band = svgEl("g", { class: "band", "aria-hidden": "true" }, svg);
  const lines = svgEl("g", { class: "lines", "aria-hidden": "true" }, svg);
  for (const r of runs) {
    const withCi = r.filter(
      (p) => p.lower !== null && p.lower !== undefined && p.upper !== null && p.upper !== undefined,
    );
    if (withCi.length) {
      const upper = withCi.map((p) => `${x(p.year).toFixed(1)},${y(p.upper).toFixed(1)}`);
      const lower = withCi.map((p) => `${x(p.year).toFixed(1)},${y(p.lower).toFixed(1)}`).reverse();
      if (withCi.length === 1) {
        const p = withCi[0];
        svgEl(
          "rect",
          {
            x: x(p.year) - 4,
            y: y(p.upper),
            width: 8,
            height: Math.max(1, y(p.lower) - y(p.upper)),
            class: "ci",
          },
          band,
        );
      } else {
        svgEl("polygon", { points: [...upper, ...lower].join(" "), class: "ci" }, band);
      }
    }
    if (r.length > 1) {
      svgEl(
        "polyline",
        {
          points: r.map((p) => `${x(p.year).toFixed(1)},${y(p.value).toFixed(1)}`).join(" "),
          class: "line",
        },
        lines,
      );
    }
  }

  const points = svgEl("g", { class: "points" }, svg);
  let drawn = 0;
  for (const row of series) {
    if (row.value !== null && row.value !== undefined) {
      const dot = svgEl(
        "circle",
        {
          cx: x(row.year),
          cy: y(row.value),
          r: row.unstable ? 5 : 4,
          class: row.unstable ? "dot unstable" : "dot",
        },
        points,
      );
      const title = svgEl("title", {}, dot);
      const flag = row.unstable ? ` (${texts.unstable})` : "";
      title.textContent = `${row.year}: ${format(row.value)}${flag}`;
      drawn += 1;
    } else if (isWithheld(row)) {
      const cx = x(row.year);
      const cy = y(0);
      const mark = svgEl("g", { class: "withheld-mark" }, points);
      svgEl(
        "path",
        { d: `M${cx - 5},${cy - 13}L${cx + 5},${cy - 3}M${cx + 5},${cy - 13}L${cx - 5},${cy - 3}` },
        mark,
      );
      const title = svgEl("title", {}, mark);
      title.textContent = `${row.year}: ${texts.withheld(row)}`;
    }
  }
  return drawn;
}
