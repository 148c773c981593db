// Every text of the dashboard, one dictionary per language (Spanish first), and the number and
// date formats of each language. Keys are stable; index.html carries the Spanish text as well so
// that the page reads sensibly before the script runs.

export const LANGS = ["es", "en"];
export const DEFAULT_LANG = "es";

const ES = {
  "page.title": "Ciudadana · Estadísticas de seguridad ciudadana",
  skip: "Saltar al contenido",
  brand: "Ciudadana",
  tagline: "Estadísticas públicas de seguridad ciudadana",
  "release.version": "publicación",
  "release.created": "del",
  "release.licence": "Licencia",
  "lang.nav": "Idioma",
  "lang.es": "Español",
  "lang.en": "English",
  "filters.title": "Qué mostrar",
  "filters.indicator": "Indicador",
  "filters.year": "Año",
  "filters.level": "Mapa por",
  "filters.department": "Departamento",
  "filters.municipality": "Municipio",
  "filters.sex": "Sexo",
  "filters.age": "Grupo de edad",
  "filters.all_country": "Todo el país",
  "filters.all_departments": "Todos los departamentos",
  "filters.all_municipalities": "Todos los municipios",
  "filters.all_ages": "Todas las edades",
  "filters.reset": "Volver a todo el país",
  "level.department": "Departamentos",
  "level.municipality": "Municipios",
  not_published: "No publicado con este detalle.",
  not_published_combo: "No publicado con este detalle (combinado con {other}).",
  "map.title": "Mapa",
  "map.label": "Mapa de {indicator}, {year}, por {level}",
  "map.hint": "Pulse un departamento (o Intro sobre él) para ver sus municipios.",
  "map.hint_muni": "Pulse un municipio (o Intro sobre él) para ver su tendencia.",
  "map.none": "El indicador no se publica por territorio: no hay mapa.",
  "legend.title": "Leyenda",
  "legend.method": "5 clases, cortes naturales (Jenks)",
  "legend.suppressed": "dato reservado (conteo pequeño)",
  "legend.nodata": "sin dato",
  "legend.selected": "territorio seleccionado",
  "trend.title": "Tendencia",
  "trend.label": "Serie anual de {indicator} en {territory}",
  "trend.band": "intervalo de confianza del 95 %",
  "trend.line": "valor",
  "trend.unstable": "estimación inestable",
  "trend.suppressed": "año reservado (conteo pequeño)",
  "trend.as_table": "Ver la serie como tabla",
  "trend.empty": "No hay serie publicada para esta selección.",
  "trend.summary": "{territory}: de {first} en {y0} a {last} en {y1}.",
  "trend.summary_one":
    "{territory}: {value} en {year}; los demás años están reservados o sin dato.",
  "headline.ci": "IC 95 %",
  "headline.count": "conteo",
  "headline.population": "población",
  "table.title": "Tabla",
  "table.caption": "{indicator}, {year}, {level}{filters}",
  "table.territory": "Territorio",
  "table.year": "Año",
  "table.value": "Valor",
  "table.interval": "Intervalo 95 %",
  "table.count": "Conteo",
  "table.population": "Población",
  "table.denominator": "Denominador",
  "table.flags": "Notas",
  "table.sort": "Ordenar por {column}",
  "table.empty": "No hay filas para esta selección.",
  "table.rows": "{n} filas",
  "flag.withheld": "reservado",
  "flag.A": "dato reservado (conteo pequeño)",
  "flag.D": "dato reservado (protege otra celda)",
  "flag.unstable": "inestable (error relativo alto)",
  "download.csv": "Descargar CSV (lo que se muestra)",
  "download.json": "Los mismos datos en JSON",
  "download.all": "Todos los archivos de la publicación",
  "download.loading": "Cargando la lista de archivos…",
  "download.api": "Índice de la API",
  "notes.title": "Metodología del indicador",
  "notes.sdg": "ODS",
  "notes.iccs": "Delitos (ICCS)",
  "notes.counting": "Unidad de conteo",
  "notes.date_basis": "Fecha",
  "notes.unit": "Unidad",
  "notes.years": "Años",
  "counting.victims": "víctimas",
  "counting.events": "hechos",
  "counting.cases": "casos",
  "date_basis.occurrence": "fecha de ocurrencia",
  "date_basis.registration": "fecha de registro",
  "unit.per_100k": "por 100 000 habitantes",
  "unit.per_100k_women": "por 100 000 mujeres",
  "unit.percent": "%",
  "unit.count": "casos",
  "status.loading": "Cargando…",
  "status.ready": "Listo: {indicator}, {year}.",
  "status.offline":
    "No se pudo conectar con el servidor. Revise la conexión y vuelva a intentarlo.",
  "status.error": "Error: {message}",
  "status.http": "El servidor respondió con el código {status}.",
  "footer.text": "Ciudadana: sistema abierto de información sobre seguridad ciudadana.",
  "footer.privacy":
    "Sin datos personales: solo agregados; los conteos pequeños se reservan para proteger a las personas.",
  noscript: "Este tablero necesita JavaScript. Los datos están en /api/v1/downloads.",
};

const EN = {
  "page.title": "Ciudadana · Citizen security statistics",
  skip: "Skip to content",
  brand: "Ciudadana",
  tagline: "Public citizen-security statistics",
  "release.version": "release",
  "release.created": "of",
  "release.licence": "Licence",
  "lang.nav": "Language",
  "lang.es": "Español",
  "lang.en": "English",
  "filters.title": "What to show",
  "filters.indicator": "Indicator",
  "filters.year": "Year",
  "filters.level": "Map by",
  "filters.department": "Department",
  "filters.municipality": "Municipality",
  "filters.sex": "Sex",
  "filters.age": "Age group",
  "filters.all_country": "Whole country",
  "filters.all_departments": "All departments",
  "filters.all_municipalities": "All municipalities",
  "filters.all_ages": "All ages",
  "filters.reset": "Back to the whole country",
  "level.department": "Departments",
  "level.municipality": "Municipalities",
  not_published: "Not published at this level of detail.",
  not_published_combo: "Not published at this level of detail (combined with {other}).",
  "map.title": "Map",
  "map.label": "Map of {indicator}, {year}, by {level}",
  "map.hint": "Click a department (or press Enter on it) to see its municipalities.",
  "map.hint_muni": "Click a municipality (or press Enter on it) to see its trend.",
  "map.none": "This indicator is not published by territory: there is no map.",
  "legend.title": "Legend",
  "legend.method": "5 classes, natural breaks (Jenks)",
  "legend.suppressed": "withheld (small count)",
  "legend.nodata": "no data",
  "legend.selected": "selected territory",
  "trend.title": "Trend",
  "trend.label": "Yearly series of {indicator} in {territory}",
  "trend.band": "95% confidence interval",
  "trend.line": "value",
  "trend.unstable": "unstable estimate",
  "trend.suppressed": "year withheld (small count)",
  "trend.as_table": "Show the series as a table",
  "trend.empty": "No series is published for this selection.",
  "trend.summary": "{territory}: from {first} in {y0} to {last} in {y1}.",
  "trend.summary_one": "{territory}: {value} in {year}; the other years are withheld or missing.",
  "headline.ci": "95% CI",
  "headline.count": "count",
  "headline.population": "population",
  "table.title": "Table",
  "table.caption": "{indicator}, {year}, {level}{filters}",
  "table.territory": "Territory",
  "table.year": "Year",
  "table.value": "Value",
  "table.interval": "95% interval",
  "table.count": "Count",
  "table.population": "Population",
  "table.denominator": "Denominator",
  "table.flags": "Notes",
  "table.sort": "Sort by {column}",
  "table.empty": "No rows for this selection.",
  "table.rows": "{n} rows",
  "flag.withheld": "withheld",
  "flag.A": "withheld (small count)",
  "flag.D": "withheld (protects another cell)",
  "flag.unstable": "unstable (high relative error)",
  "download.csv": "Download CSV (what is shown)",
  "download.json": "The same data as JSON",
  "download.all": "All the files of the release",
  "download.loading": "Loading the list of files…",
  "download.api": "API index",
  "notes.title": "Indicator methodology",
  "notes.sdg": "SDG",
  "notes.iccs": "Offences (ICCS)",
  "notes.counting": "Counting unit",
  "notes.date_basis": "Date",
  "notes.unit": "Unit",
  "notes.years": "Years",
  "counting.victims": "victims",
  "counting.events": "incidents",
  "counting.cases": "cases",
  "date_basis.occurrence": "date of occurrence",
  "date_basis.registration": "date of registration",
  "unit.per_100k": "per 100,000 population",
  "unit.per_100k_women": "per 100,000 women",
  "unit.percent": "%",
  "unit.count": "cases",
  "status.loading": "Loading…",
  "status.ready": "Ready: {indicator}, {year}.",
  "status.offline": "Could not reach the server. Check the connection and try again.",
  "status.error": "Error: {message}",
  "status.http": "The server answered with status {status}.",
  "footer.text": "Ciudadana: an open citizen-security information system.",
  "footer.privacy":
    "No personal data: aggregates only; small counts are withheld to protect people.",
  noscript: "This dashboard needs JavaScript. The data is at /api/v1/downloads.",
};

const DICTS = { es: ES, en: EN };

/** The text of `key` in `lang`, with `{name}` placeholders filled from `vars`. */
export function t(lang, key, vars = {}) {
  const dict = DICTS[lang] || ES;
  const text = key in dict ? dict[key] : key in ES ? ES[key] : key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

/** True when `key` has a text (used for optional keys such as unit or counting names). */
export function has(lang, key) {
  return key in (DICTS[lang] || ES);
}

const numberFormats = new Map();

function numberFormat(lang, decimals) {
  const key = `${lang}:${decimals}`;
  if (!numberFormats.has(key)) {
    numberFormats.set(
      key,
      new Intl.NumberFormat(lang === "en" ? "en-US" : "es", {
        minimumFractionDigits: decimals,
        maximumFractionDigits: decimals,
        useGrouping: "always",
      }),
    );
  }
  return numberFormats.get(key);
}

/**
 * A number as people of `lang` write it: es "1 234,5" (no-break space between thousands, as
 * the RAE and the SI recommend), en "1,234.5". null and undefined give "".
 */
export function formatNumber(lang, value, decimals = 0) {
  if (value === null || value === undefined || Number.isNaN(value)) return "";
  const parts = numberFormat(lang, decimals).formatToParts(value);
  return parts.map((p) => (lang !== "en" && p.type === "group" ? "\u00a0" : p.value)).join("");
}

/** An ISO date (2024-05-01 or a timestamp) as a long date in `lang`; else the text itself. */
export function formatDate(lang, iso) {
  if (!iso) return "";
  const date = new Date(String(iso).length === 10 ? `${iso}T12:00:00` : iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "es", { dateStyle: "long" }).format(
    date,
  );
}

/** Fill every element with `data-i18n="key"` (text) or `data-i18n-attr="attr:key;..."`. */
export function translatePage(lang, root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) {
    el.textContent = t(lang, el.dataset.i18n);
  }
  for (const el of root.querySelectorAll("[data-i18n-attr]")) {
    for (const pair of el.dataset.i18nAttr.split(";")) {
      const [attr, key] = pair.split(":");
      if (attr && key) el.setAttribute(attr.trim(), t(lang, key.trim()));
    }
  }
  document.documentElement.lang = lang;
  document.title = t(lang, "page.title");
}
