"""What the report says, in Spanish first and in English, keyed by a stable code."""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    "es": {
        "title": "Calidad del dato",
        "subtitle": "Diagnóstico de cada fuente y periodo, hasta la fila",
        "generated": "Generado",
        "workspace": "Espacio de trabajo",
        "run": "Diagnóstico",
        "scorecard": "Puntaje por carga y dimensión",
        "scorecard_note": "1 − (con problema / revisados). Entre paréntesis, el cambio respecto "
        "de la entrega anterior de la misma fuente.",
        "load": "Carga",
        "source": "Fuente",
        "file": "Archivo",
        "period": "Periodo",
        "rows": "Filas",
        "overall": "Global",
        "completeness": "Completitud por campo y mes",
        "completeness_note": "Parte de las filas con el campo lleno (ni vacío ni «desconocido»).",
        "coverage": "Cobertura territorial",
        "coverage_note": "Parte de los meses de la carga en que cada municipio tiene registros. "
        "En rojo, municipios que dejaron de informar.",
        "timeliness": "Oportunidad",
        "registration_lag": "Días del hecho al registro",
        "delivery_lag": "Meses del registro a la entrega",
        "cross": "Consistencia entre fuentes",
        "cross_note": "Homicidios por departamento en todo el periodo común, según cada fuente. "
        "A la derecha, meses con una diferencia significativa.",
        "outliers": "Conteos atípicos",
        "outliers_note": "Municipios y meses lejos de lo que sus meses vecinos hacen esperable.",
        "rules": "Hallazgos por regla",
        "trend": "Tendencia entre entregas",
        "trend_note": "¿Mejoró la exportación de este mes? Puntaje de cada dimensión en cada "
        "entrega de la fuente.",
        "rule": "Regla",
        "dimension": "Dimensión",
        "severity": "Gravedad",
        "findings": "Hallazgos",
        "month": "Mes",
        "territory": "Territorio",
        "detail": "Detalle",
        "none": "Nada que mostrar.",
        "privacy": "Este informe no contiene nombres, números de identidad, direcciones ni "
        "coordenadas. Las filas con problemas, para la institución: ciudadana quality --csv.",
        "days": "días",
        "months": "meses",
        "no_dates": "La fuente no registra ambas fechas.",
        "method": "Método",
        "method_note": "Dimensiones del Marco Nacional de Aseguramiento de la Calidad de la ONU y "
        "de la herramienta de calidad de datos de DHIS2. Reglas en docs/quality.md.",
    },
    "en": {
        "title": "Data quality",
        "subtitle": "Diagnosis of every source and period, down to the row",
        "generated": "Generated",
        "workspace": "Workspace",
        "run": "Diagnosis",
        "scorecard": "Score by load and dimension",
        "scorecard_note": "1 − (failed / checked). In brackets, the change from the source's "
        "previous delivery.",
        "load": "Load",
        "source": "Source",
        "file": "File",
        "period": "Period",
        "rows": "Rows",
        "overall": "Overall",
        "completeness": "Completeness by field and month",
        "completeness_note": "Share of rows with the field filled (neither blank nor 'unknown').",
        "coverage": "Territorial coverage",
        "coverage_note": "Share of the load's months in which each municipality has records. "
        "In red, municipalities that stopped reporting.",
        "timeliness": "Timeliness",
        "registration_lag": "Days from occurrence to registration",
        "delivery_lag": "Months from registration to delivery",
        "cross": "Consistency across sources",
        "cross_note": "Homicides by department over the common period, by source. On the right, "
        "months with a significant gap.",
        "outliers": "Unusual counts",
        "outliers_note": "Municipality-months far from what their neighbouring months make likely.",
        "rules": "Findings by rule",
        "trend": "Trend across deliveries",
        "trend_note": "Did this month's export improve? Each dimension's score in each delivery "
        "of the source.",
        "rule": "Rule",
        "dimension": "Dimension",
        "severity": "Severity",
        "findings": "Findings",
        "month": "Month",
        "territory": "Territory",
        "detail": "Detail",
        "none": "Nothing to show.",
        "privacy": "This report holds no names, identity numbers, addresses or coordinates. "
        "The rows with problems, for the institution: ciudadana quality --csv.",
        "days": "days",
        "months": "months",
        "no_dates": "The source does not record both dates.",
        "method": "Method",
        "method_note": "Dimensions of the UN National Quality Assurance Framework and of DHIS2's "
        "data quality tool. Rules in docs/quality.md.",
    },
}

DIMENSION_NAMES: dict[str, dict[str, str]] = {
    "es": {
        "completeness": "Completitud",
        "validity": "Validez",
        "timeliness": "Oportunidad",
        "consistency": "Consistencia",
        "uniqueness": "Unicidad",
        "outliers": "Atípicos",
        "coverage": "Cobertura",
        "cross-source": "Entre fuentes",
    },
    "en": {
        "completeness": "Completeness",
        "validity": "Validity",
        "timeliness": "Timeliness",
        "consistency": "Consistency",
        "uniqueness": "Uniqueness",
        "outliers": "Outliers",
        "coverage": "Coverage",
        "cross-source": "Cross-source",
    },
}

SEVERITY: dict[str, dict[str, str]] = {
    "es": {"error": "error", "warning": "aviso", "info": "información"},
    "en": {"error": "error", "warning": "warning", "info": "info"},
}

DIMENSION_SHORT: dict[str, str] = {
    "completeness": "compl.",
    "validity": "valid.",
    "timeliness": "oport.",
    "consistency": "consist.",
    "uniqueness": "unic.",
    "outliers": "atíp.",
    "coverage": "cobert.",
    "cross-source": "fuentes",
}
