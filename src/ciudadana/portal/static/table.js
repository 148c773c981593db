// The table of what the map shows: one row per territory, sortable by any column with buttons in
// the headers (aria-sort says the order). Withheld cells read "reservado", never 0.

const COLUMNS = [
  { key: "territory_name", label: "table.territory", numeric: false },
  { key: "value", label: "table.value", numeric: true },
  { key: "lower", label: "table.interval", numeric: true },
  { key: "numerator", label: "table.count", numeric: true },
  { key: "denominator", label: "table.population", numeric: true },
  { key: "flags", label: "table.flags", numeric: false },
];

export function isWithheld(row) {
  return (
    row.value === null &&
    (Boolean(row.suppressed) || row.conf_status === "A" || row.conf_status === "D")
  );
}

function compare(a, b, key, numeric, collator) {
  const va = a[key];
  const vb = b[key];
  const na = va === null || va === undefined;
  const nb = vb === null || vb === undefined;
  if (na || nb) return na === nb ? 0 : na ? 1 : -1; // empty cells last, whatever the order
  return numeric ? va - vb : collator.compare(String(va), String(vb));
}

/**
 * Fill `table` (a <table> with <caption>, <thead>, <tbody>) with `rows`.
 *
 * options: lang, t(key, vars), fmt(value) (value with the indicator's decimals), fmtInt,
 * caption, sort {key, dir}, onSort(sort), selected (code), flagText(row), unitIsRate,
 * onSelect(row) (the territory button in the first column).
 */
export function drawTable(table, rows, options) {
  const { t, fmt, fmtInt, caption, sort, onSort, selected, flagText, unitIsRate, onSelect } =
    options;
  const collator = new Intl.Collator(options.lang, { sensitivity: "base", numeric: true });
  table.querySelector("caption").textContent = caption;

  const headRow = document.createElement("tr");
  for (const col of COLUMNS) {
    const th = document.createElement("th");
    th.scope = "col";
    if (col.numeric) th.className = "num";
    const label = t(col.key === "denominator" && !unitIsRate ? "table.denominator" : col.label);
    if (col.key === "flags") {
      th.textContent = label;
    } else {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.dataset.key = col.key;
      button.textContent = label;
      const arrow = document.createElement("span");
      arrow.className = "arrow";
      arrow.setAttribute("aria-hidden", "true");
      if (sort.key === col.key) {
        th.setAttribute("aria-sort", sort.dir === "asc" ? "ascending" : "descending");
        arrow.textContent = sort.dir === "asc" ? " ▲" : " ▼";
      } else {
        arrow.textContent = " ↕";
      }
      button.appendChild(arrow);
      button.title = t("table.sort", { column: label });
      button.addEventListener("click", () => {
        const dir = sort.key === col.key && sort.dir === "asc" ? "desc" : "asc";
        onSort({ key: col.key, dir });
      });
      th.appendChild(button);
    }
    headRow.appendChild(th);
  }
  const thead = table.querySelector("thead");
  thead.replaceChildren(headRow);

  const ordered = [...rows];
  if (sort.key) {
    const col = COLUMNS.find((c) => c.key === sort.key) || COLUMNS[0];
    ordered.sort((a, b) => {
      const c = compare(a, b, col.key, col.numeric, collator);
      const nullish =
        a[col.key] === null ||
        a[col.key] === undefined ||
        b[col.key] === null ||
        b[col.key] === undefined;
      return sort.dir === "desc" && !nullish ? -c : c;
    });
  }

  const tbody = table.querySelector("tbody");
  const body = document.createDocumentFragment();
  for (const row of ordered) {
    const tr = document.createElement("tr");
    tr.dataset.territory = row.territory;
    tr.dataset.value = row.value === null || row.value === undefined ? "" : String(row.value);
    if (row.territory === selected) tr.className = "selected";
    const withheld = isWithheld(row);
    if (withheld) tr.classList.add("withheld");

    const name = document.createElement("th");
    name.scope = "row";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "link";
    button.textContent = row.territory_name || row.territory;
    button.addEventListener("click", () => onSelect(row));
    name.appendChild(button);
    tr.appendChild(name);

    const cells = [
      withheld ? t("flag.withheld") : fmt(row.value),
      row.lower !== null && row.lower !== undefined && row.upper !== null && row.upper !== undefined
        ? `${fmt(row.lower)} – ${fmt(row.upper)}`
        : withheld
          ? t("flag.withheld")
          : "",
      row.numerator === null || row.numerator === undefined
        ? withheld
          ? t("flag.withheld")
          : ""
        : fmtInt(row.numerator),
      row.denominator === null || row.denominator === undefined ? "" : fmtInt(row.denominator),
    ];
    cells.forEach((text, i) => {
      const td = document.createElement("td");
      td.className = "num";
      if (i === 0) td.classList.add("value");
      if (withheld && i < 3) td.classList.add("withheld-cell");
      td.textContent = text;
      tr.appendChild(td);
    });
    const flags = document.createElement("td");
    flags.className = "flags";
    flags.textContent = flagText(row);
    tr.appendChild(flags);
    body.appendChild(tr);
  }
  if (!ordered.length) {
    const tr = document.createElement("tr");
    const td = document.createElement("td");
    td.colSpan = COLUMNS.length;
    td.textContent = t("table.empty");
    tr.appendChild(td);
    body.appendChild(tr);
  }
  tbody.replaceChildren(body);
}
