"""Territory packs (Guatemala, Mexico) and the resolver, against real names, codes and totals."""

from __future__ import annotations

import csv
import json
import re
import shutil
import time
from collections import Counter, defaultdict

import duckdb
import pytest

from ciudadana.errors import CiudadanaError, UnknownTerritoryPack
from ciudadana.standards import territory
from ciudadana.standards.names import match_key, normalize_name
from ciudadana.standards.territory import (
    TerritoryPack,
    available_packs,
    check_pack,
    load_pack,
)

# INE Guatemala, census 2018 sheet "Códigos municipios y deptos." (the official 340), verbatim.
INE_DEPARTMENTS = """
01 Guatemala; 02 El Progreso; 03 Sacatepéquez; 04 Chimaltenango; 05 Escuintla; 06 Santa Rosa;
07 Sololá; 08 Totonicapán; 09 Quetzaltenango; 10 Suchitepéquez; 11 Retalhuleu; 12 San Marcos;
13 Huehuetenango; 14 Quiché; 15 Baja Verapaz; 16 Alta Verapaz; 17 Petén; 18 Izabal; 19 Zacapa;
20 Chiquimula; 21 Jalapa; 22 Jutiapa
"""
INE_MUNICIPALITIES = """
0101 Guatemala; 0102 Santa Catarina Pinula; 0103 San José Pinula; 0104 San José del Golfo; 0105
Palencia; 0106 Chinautla; 0107 San Pedro Ayampuc; 0108 Mixco; 0109 San Pedro Sacatepéquez; 0110
San Juan Sacatepéquez; 0111 San Raymundo; 0112 Chuarrancho; 0113 Fraijanes; 0114 Amatitlán; 0115
Villa Nueva; 0116 Villa Canales; 0117 San Miguel Petapa; 0201 Guastatoya; 0202 Morazán; 0203 San
Agustín Acasaguastlán; 0204 San Cristóbal Acasaguastlán; 0205 El Jícaro; 0206 Sansare; 0207
Sanarate; 0208 San Antonio La Paz; 0301 Antigua Guatemala; 0302 Jocotenango; 0303 Pastores; 0304
Sumpango; 0305 Santo Domingo Xenacoj; 0306 Santiago Sacatepéquez; 0307 San Bartolomé Milpas
Altas; 0308 San Lucas Sacatepéquez; 0309 Santa Lucía Milpas Altas; 0310 Magdalena Milpas Altas;
0311 Santa María de Jesús; 0312 Ciudad Vieja; 0313 San Miguel Dueñas; 0314 San Juan Alotenango;
0315 San Antonio Aguas Calientes; 0316 Santa Catarina Barahona; 0401 Chimaltenango; 0402 San
José Poaquil; 0403 San Martín Jilotepeque; 0404 San Juan Comalapa; 0405 Santa Apolonia; 0406
Tecpán Guatemala; 0407 Patzún; 0408 San Miguel Pochuta; 0409 Patzicía; 0410 Santa Cruz Balanyá;
0411 Acatenango; 0412 San Pedro Yepocapa; 0413 San Andrés Itzapa; 0414 Parramos; 0415 Zaragoza;
0416 El Tejar; 0501 Escuintla; 0502 Santa Lucía Cotzumalguapa; 0503 La Democracia; 0504
Siquinalá; 0505 Masagua; 0506 Tiquisate; 0507 La Gomera; 0508 Guanagazapa; 0509 San José; 0510
Iztapa; 0511 Palín; 0512 San Vicente Pacaya; 0513 Nueva Concepción; 0514 Sipacate; 0601 Cuilapa;
0602 Barberena; 0603 Santa Rosa de Lima; 0604 Casillas; 0605 San Rafael Las Flores; 0606
Oratorio; 0607 San Juan Tecuaco; 0608 Chiquimulilla; 0609 Taxisco; 0610 Santa María Ixhuatán;
0611 Guazacapán; 0612 Santa Cruz Naranjo; 0613 Pueblo Nuevo Viñas; 0614 Nueva Santa Rosa; 0701
Sololá; 0702 San José Chacayá; 0703 Santa María Visitación; 0704 Santa Lucía Utatlán; 0705
Nahualá; 0706 Santa Catarina Ixtahuacán; 0707 Santa Clara La Laguna; 0708 Concepción; 0709 San
Andrés Semetabaj; 0710 Panajachel; 0711 Santa Catarina Palopó; 0712 San Antonio Palopó; 0713 San
Lucas Tolimán; 0714 Santa Cruz La Laguna; 0715 San Pablo La Laguna; 0716 San Marcos La Laguna;
0717 San Juan La Laguna; 0718 San Pedro La Laguna; 0719 Santiago Atitlán; 0801 Totonicapán; 0802
San Cristóbal Totonicapán; 0803 San Francisco el Alto; 0804 San Andrés Xecul; 0805 Momostenango;
0806 Santa María Chiquimula; 0807 Santa Lucía La Reforma; 0808 San Bartolo Aguas Calientes; 0901
Quetzaltenango; 0902 Salcajá; 0903 San Juan Olintepeque; 0904 San Carlos Sija; 0905 Sibilia;
0906 Cabricán; 0907 Cajolá; 0908 San Miguel Siguilá; 0909 San Juan Ostuncalco; 0910 San Mateo;
0911 Concepción Chiquirichapa; 0912 San Martín Sacatepéquez; 0913 Almolonga; 0914 Cantel; 0915
Huitán; 0916 Zunil; 0917 Colomba Costa Cuca; 0918 San Francisco La Unión; 0919 El Palmar; 0920
Coatepeque; 0921 Génova; 0922 Flores Costa Cuca; 0923 La Esperanza; 0924 Palestina de Los Altos;
1001 Mazatenango; 1002 Cuyotenango; 1003 San Francisco Zapotitlán; 1004 San Bernardino; 1005 San
José El Ídolo; 1006 Santo Domingo Suchitepéquez; 1007 San Lorenzo; 1008 Samayac; 1009 San Pablo
Jocopilas; 1010 San Antonio Suchitepéquez; 1011 San Miguel Panán; 1012 San Gabriel; 1013
Chicacao; 1014 Patulul; 1015 Santa Bárbara; 1016 San Juan Bautista; 1017 Santo Tomas La Unión;
1018 Zunilito; 1019 Pueblo Nuevo; 1020 Río Bravo; 1021 San José La Máquina; 1101 Retalhuleu;
1102 San Sebastián; 1103 Santa Cruz Muluá; 1104 San Martín Zapotitlán; 1105 San Felipe; 1106 San
Andrés Villa Seca; 1107 Champerico; 1108 Nuevo San Carlos; 1109 El Asintal; 1201 San Marcos;
1202 San Pedro Sacatepéquez; 1203 San Antonio Sacatepéquez; 1204 Comitancillo; 1205 San Miguel
Ixtahuacán; 1206 Concepción Tutuapa; 1207 Tacaná; 1208 Sibinal; 1209 Tajumulco; 1210 Tejutla;
1211 San Rafael Pie de la Cuesta; 1212 Nuevo Progreso; 1213 El Tumbador; 1214 San José el Rodeo;
1215 Malacatán; 1216 Catarina; 1217 Ayutla; 1218 Ocós; 1219 San Pablo; 1220 El Quetzal; 1221 La
Reforma; 1222 Pajapita; 1223 Ixchiguán; 1224 San José Ojetenam; 1225 San Cristóbal Cucho; 1226
Sipacapa; 1227 Esquipulas Palo Gordo; 1228 Río Blanco; 1229 San Lorenzo; 1230 La Blanca; 1301
Huehuetenango; 1302 Chiantla; 1303 Malacatancito; 1304 Cuilco; 1305 Nentón; 1306 San Pedro
Necta; 1307 Jacaltenango; 1308 San Pedro Soloma; 1309 San Ildefonso Ixtahuacán; 1310 Santa
Bárbara; 1311 La Libertad; 1312 La Democracia; 1313 San Miguel Acatán; 1314 San Rafael La
Independencia; 1315 Todos Santos Cuchumatán; 1316 San Juan Atitán; 1317 Santa Eulalia; 1318 San
Mateo Ixtatán; 1319 Colotenango; 1320 San Sebastián Huehuetenango; 1321 Tectitán; 1322
Concepción Huista; 1323 San Juan Ixcoy; 1324 San Antonio Huista; 1325 San Sebastián Coatán; 1326
Santa Cruz Barillas; 1327 Aguacatán; 1328 San Rafael Petzal; 1329 San Gaspar Ixchil; 1330
Santiago Chimaltenango; 1331 Santa Ana Huista; 1332 Unión Cantinil; 1333 Petatán; 1401 Santa
Cruz del Quiché; 1402 Chiché; 1403 Chinique; 1404 Zacualpa; 1405 Chajul; 1406 Santo Tomás
Chichicastenango; 1407 Patzité; 1408 San Antonio Ilotenango; 1409 San Pedro Jocopilas; 1410
Cunén; 1411 San Juan Cotzal; 1412 Joyabaj; 1413 Santa María Nebaj; 1414 San Andrés Sajcabajá;
1415 San Miguel Uspantán; 1416 Sacapulas; 1417 San Bartolomé Jocotenango; 1418 Canillá; 1419
Chicamán; 1420 Playa Grande Ixcán; 1421 Pachalum; 1501 Salamá; 1502 San Miguel Chicaj; 1503
Rabinal; 1504 Cubulco; 1505 Granados; 1506 Santa Cruz El Chol; 1507 San Jerónimo; 1508 Purulhá;
1601 Cobán; 1602 Santa Cruz Verapaz; 1603 San Cristóbal Verapaz; 1604 Tactic; 1605 Tamahú; 1606
San Miguel Tucurú; 1607 Panzós; 1608 Senahú; 1609 San Pedro Carchá; 1610 San Juan Chamelco; 1611
San Agustín Lanquín; 1612 Santa María Cahabón; 1613 Chisec; 1614 Chahal; 1615 Fray Bartolomé de
Las Casas; 1616 Santa Catalina La Tinta; 1617 Raxruhá; 1701 Flores; 1702 San José; 1703 San
Benito; 1704 San Andrés; 1705 La Libertad; 1706 San Francisco; 1707 Santa Ana; 1708 Dolores;
1709 San Luis; 1710 Sayaxché; 1711 Melchor de Mencos; 1712 Poptún; 1713 Las Cruces; 1714 El
Chal; 1801 Puerto Barrios; 1802 Livingston; 1803 El Estor; 1804 Morales; 1805 Los Amates; 1901
Zacapa; 1902 Estanzuela; 1903 Río Hondo; 1904 Gualán; 1905 Teculután; 1906 Usumatlán; 1907
Cabañas; 1908 San Diego; 1909 La Unión; 1910 Huité; 1911 San Jorge; 2001 Chiquimula; 2002 San
José La Arada; 2003 San Juan Ermita; 2004 Jocotán; 2005 Camotán; 2006 Olopa; 2007 Esquipulas;
2008 Concepción Las Minas; 2009 Quezaltepeque; 2010 San Jacinto; 2011 Ipala; 2101 Jalapa; 2102
San Pedro Pinula; 2103 San Luis Jilotepeque; 2104 San Manuel Chaparrón; 2105 San Carlos
Alzatate; 2106 Monjas; 2107 Mataquescuintla; 2201 Jutiapa; 2202 El Progreso; 2203 Santa Catarina
Mita; 2204 Agua Blanca; 2205 Asunción Mita; 2206 Yupiltepeque; 2207 Atescatempa; 2208 Jerez;
2209 El Adelanto; 2210 Zapotitlán; 2211 Comapa; 2212 Jalpatagua; 2213 Conguaco; 2214 Moyuta;
2215 Pasaco; 2216 San José Acatempa; 2217 Quesada
"""


def _codes_and_names(text: str) -> dict[str, str]:
    return dict(re.findall(r"(\d{2,4}) ([^;]+)", " ".join(text.split())))


DEPARTMENTS = _codes_and_names(INE_DEPARTMENTS)
MUNICIPALITIES = _codes_and_names(INE_MUNICIPALITIES)

# An official name that INE's own projection file also uses for another municipality
# ("Concepción" for 1322 Concepción Huista): without a department it must stay ambiguous.
AMBIGUOUS_BY_ALIAS = {"0708": {"0513", "0708", "0911", "1206", "1322", "2008"}}

# Names of the MINFIN (munis.json) and geodato boundary files that differ from the INE list.
GEO_NAMES = [
    ("0104", "San José Del Golfo"), ("0111", "San Raimundo"), ("0117", "Petapa"),
    ("0311", "Santa María De Jesús"), ("0314", "Alotenango"), ("0404", "Comalapa"),
    ("0408", "Pochuta"), ("0412", "Yepocapa"), ("0603", "Santa Rosa De Lima"),
    ("0803", "San Francisco El Alto"), ("0808", "San Bartolo"), ("0903", "Olintepeque"),
    ("0908", "San Miguel Sigüilá"), ("0917", "Colomba"), ("0924", "Palestina De los Altos"),
    ("1017", "Santo Tomás La Unión"), ("1211", "San Rafael Pie De La Cuesta"),
    ("1214", "El Rodeo"), ("1308", "Soloma"), ("1309", "Ixtahuacán"), ("1326", "Barillas"),
    ("1328", "San Rafael Pétzal"), ("1401", "Santa Cruz Del Quiché"),
    ("1406", "Chichicastenango"), ("1413", "Nebaj"), ("1415", "Uspantán"), ("1420", "Ixcán"),
    ("1506", "El Chol"), ("1606", "Tucurú"), ("1611", "Lanquín"), ("1612", "Cahabón"),
    ("1615", "Fray Bartolomé De Las Casas"), ("1711", "Melchor De Mencos"),
    ("1802", "Lívingston"),
]  # fmt: skip
GEO_AMBIGUOUS_WITHOUT_DEPARTMENT = {"1309"}  # "Ixtahuacán": also 0706 and 1205

# How exports really write municipalities: (description, value, expected code).
MISSPELLINGS = [
    ("capitals and a misspelling from INE's projections", "CHINUAUTLA", "0106"),
    ("short form of the boundary files", "Petapa", "0117"),
    ("lowercase without accents", "san jose pinula", "0103"),
    ("old spelling of Quetzaltenango", "Quezaltenango", "0901"),
    ("abbreviation Sta.", "Sta. Catarina Pinula", "0102"),
    ("department capital", "Mazatenango", "1001"),
    ("without accent", "Coban", "1601"),
    ("joined words", "Villanueva", "0115"),
    ("common name of Quetzaltenango", "Xela", "0901"),
    ("short for Antigua Guatemala", "Antigua", "0301"),
    ("with the article", "La Antigua Guatemala", "0301"),
    ("the capital city", "Ciudad de Guatemala", "0101"),
    ("English", "Guatemala City", "0101"),
    ("trailing spaces and capitals", "  MIXCO  ", "0108"),
    ("prefix Municipio de", "Municipio de Amatitlán", "0114"),
    ("abbreviated prefix", "Mpio. de Jalapa", "2101"),
    ("short form", "Chichicastenango", "1406"),
    ("short form", "Nebaj", "1413"),
    ("without accents", "Santa Cruz del Quiche", "1401"),
    ("one letter missing", "Huehetenango", "1301"),
    ("z for s, INE projections", "Tiquizate", "0506"),
    ("without accent", "Poptun", "1712"),
    ("without accent", "Sayaxche", "1710"),
    ("name and department in one value", "San Benito, Petén", "1703"),
    ("short form", "Carchá", "1609"),
    ("short form", "Ixcán", "1420"),
    ("abbreviated San and Sacatepéquez", "Sn. Juan Sac.", "0110"),
    ("not Santiago Chimaltenango", "Chimaltenango", "0401"),
    ("z for s", "Quezada", "2217"),
    ("lowercase particle", "Fray Bartolomé de las Casas", "1615"),
    ("INE projections' spelling", "Santa Catalina Ixtahuacan", "0706"),
    ("i for y", "San Raimundo", "0111"),
    ("short form", "Tecpán", "0406"),
    ("part of the name", "Cotzal", "1411"),
    ("doubled letter", "Panajachell", "0710"),
    ("missing letter", "Momostenago", "0805"),
    ("INE VIF dictionary spelling", "San Juan Erminta", "2003"),
    ("INE VIF dictionary spelling", "Quetzaltepeque", "2009"),
    ("upper case with accents", "SANTA LUCÍA COTZUMALGUAPA", "0502"),
    ("accent on the wrong letter", "Malácatan", "1215"),
]

CODE_FORMS = [
    ("integer", 101, None, "0101"),
    ("text without leading zero", "101", None, "0101"),
    ("INE code", "0101", None, "0101"),
    ("OCHA p-code", "GT0101", None, "0101"),
    ("lowercase p-code", "gt2217", None, "2217"),
    ("spaced groups", " 01 01 ", None, "0101"),
    ("dashed groups", "01-01", None, "0101"),
    ("unpadded groups", "1-1", None, "0101"),
    ("Excel float", 101.0, None, "0101"),
    ("float as text", "2217.0", None, "2217"),
    ("department, one digit", "1", None, "01"),
    ("department, two digits", "01", None, "01"),
    ("department p-code", "GT01", None, "01"),
    ("department ISO-like", "GT-16", None, "16"),
    ("department asked as such", "22", 1, "22"),
    ("municipality asked as such", "2217", 2, "2217"),
]
NOT_CODES = [
    ("unknown marker", "9999", None),
    ("no such municipality", "0199", None),
    ("a municipality asked as a department", "0101", 1),
    ("not a number", float("nan"), None),
    ("fractional", 1.5, None),
]

# Published national totals of INE's old projection (2002 census base).
PUBLISHED_TOTALS = {  # year: {sex: total}
    2011: {"total": 14_713_763},  # INE, quoted in ../population/SOURCE.txt
    2012: {"total": 15_073_375, "male": 7_352_869, "female": 7_720_506},  # PDH 2012, Tabla 1
    2016: {"total": 16_548_168, "male": 8_089_161, "female": 8_459_006},  # INE xlsx, REPUBLICA
    2017: {"total": 16_924_190, "male": 8_277_007, "female": 8_647_183},
    2018: {"total": 17_302_084, "male": 8_465_522, "female": 8_836_562},
    2019: {"total": 17_679_735, "male": 8_653_029, "female": 9_026_705},
    2020: {"total": 18_055_025, "male": 8_837_850, "female": 9_217_175},
}


@pytest.fixture(scope="module")
def gtm() -> TerritoryPack:
    return load_pack("GTM")


@pytest.fixture(scope="module")
def mex() -> TerritoryPack:
    return load_pack("mex")


def test_normalize_name_strips_accents_case_and_punctuation():
    assert normalize_name("San José  Pinula") == "san jose pinula"
    assert normalize_name("  SANTA MARÍA DE JESÚS.") == "santa maria de jesus"
    assert normalize_name("Sigüilá,Quetzaltenango") == "siguila quetzaltenango"
    assert match_key("Sta. Catarina Pinula") == "santa catarina pinula"


def test_packs_are_found_by_folder_and_unknown_ones_are_refused_in_spanish():
    assert available_packs() == ["GTM", "MEX"]
    assert load_pack("gtm") is load_pack(" GTM ")
    with pytest.raises(UnknownTerritoryPack) as error:
        load_pack("hnd")
    assert isinstance(error.value, CiudadanaError)
    assert 'No hay paquete territorial "hnd". Disponibles: GTM, MEX.' in error.value.message


def test_guatemala_has_22_departments_and_340_municipalities(gtm):
    assert {d.code: d.name for d in gtm.children(None)} == DEPARTMENTS
    municipalities = [d for d in gtm.divisions.values() if d.level == 2]
    assert len(municipalities) == 340
    assert {d.code for d in municipalities} == set(MUNICIPALITIES)
    assert all(d.parent_code == d.code[:2] for d in municipalities)
    assert Counter(d.parent_code for d in municipalities)["13"] == 33
    assert all(
        d.lat and d.lon and 13.5 < d.lat < 18 and -92.5 < d.lon < -88 for d in municipalities
    )
    assert gtm.name("0207") == "Sanarate" and gtm.name("1017") == "Santo Tomás La Unión"


def test_every_official_name_resolves_given_its_department_by_code_and_by_name(gtm):
    wrong = []
    for code, name in MUNICIPALITIES.items():
        for parent in (code[:2], DEPARTMENTS[code[:2]], str(int(code[:2]))):
            found = gtm.resolve_name(name, parent=parent)
            if (found.code, found.status) != (code, "exact"):
                wrong.append((code, name, parent, found.status, found.code))
    assert wrong == []


def test_without_department_unique_names_resolve_and_repeated_ones_are_ambiguous(gtm):
    by_key = defaultdict(set)
    for code, name in MUNICIPALITIES.items():
        by_key[match_key(name)].add(code)
    wrong = []
    for code, name in MUNICIPALITIES.items():
        expected = AMBIGUOUS_BY_ALIAS.get(code, by_key[match_key(name)])
        found = gtm.resolve(name)
        got = {found.code} if found.code else set(found.candidates)
        if got != expected or (len(expected) > 1) != (found.status == "ambiguous"):
            wrong.append((code, name, found.status, got))
    assert wrong == []
    repeated = sorted(n for n, codes in by_key.items() if len(codes) > 1)
    assert repeated == [
        "la democracia", "la libertad", "san jose", "san lorenzo", "san pedro sacatepequez",
        "santa barbara",
    ]  # fmt: skip


def test_san_jose_is_ambiguous_until_the_department_is_given(gtm):
    found = gtm.resolve("San José")
    assert (found.status, found.code, found.candidates) == ("ambiguous", None, ("0509", "1702"))
    assert found.message() == (
        '"San José" existe en 2 departamentos: Escuintla (0509 San José), Petén (1702 San José).'
        " Indique en qué departamento."
    )
    assert found.message("en").endswith("Say which department.")
    assert gtm.resolve("San José", parent="Petén").code == "1702"
    assert gtm.resolve("San José", parent="05").code == "0509"
    assert gtm.resolve("san jose", parent="Peten").code == "1702"


@pytest.mark.parametrize(("description", "value", "expected"), MISSPELLINGS)
def test_misspellings_short_forms_and_variants_resolve(gtm, description, value, expected):
    found = gtm.resolve(value)
    assert found.code == expected, f"{description}: {found.message()}"
    assert found.status in ("exact", "alias", "fuzzy")


def test_a_name_in_the_wrong_department_is_not_guessed(gtm):
    found = gtm.resolve("Santa Bárbara", parent="Guatemala")
    assert (found.status, found.code, found.candidates) == ("not_found", None, ("1015", "1310"))
    assert "¿Será: 1015 Santa Bárbara (Suchitepéquez), 1310 Santa Bárbara" in found.message()
    assert gtm.resolve("xyzzy").message() == (
        '"xyzzy": no hay municipio con ese nombre o código en Guatemala. Revise la ortografía.'
    )


def test_close_fuzzy_matches_are_ambiguous(gtm):
    found = gtm.resolve("Santa Catarina")
    assert found.status == "ambiguous"
    assert set(found.candidates) == {"0102", "0316", "0706", "0711", "2203"}
    assert gtm.resolve("Pinula").candidates == ("0102", "0103", "2102")
    assert gtm.resolve("Pinula", parent="Jalapa").code == "2102"


@pytest.mark.parametrize(("description", "value", "level", "expected"), CODE_FORMS)
def test_code_forms(gtm, description, value, level, expected):
    found = gtm.resolve(value, level=level)
    assert (found.code, found.status) == (expected, "code"), description


@pytest.mark.parametrize(("description", "value", "level"), NOT_CODES)
def test_values_that_are_not_codes(gtm, description, value, level):
    found = gtm.resolve_code(value, level=level)
    assert (found.code, found.status) == (None, "not_found"), description


def test_municipality_number_inside_a_department_column(gtm):
    assert gtm.resolve("1", level=2, parent="01").code == "0101"
    assert gtm.resolve(17, level=2, parent="Guatemala").code == "0117"
    assert gtm.resolve("0117", parent="01").code == "0117"
    wrong = gtm.resolve("0201", parent="01")
    assert (wrong.status, wrong.candidates) == ("not_found", ("0201",))


def test_the_short_names_of_the_boundary_files_resolve(gtm):
    for code, name in GEO_NAMES:
        assert gtm.resolve(name, parent=code[:2]).code == code, name
        alone = gtm.resolve(name)
        if code in GEO_AMBIGUOUS_WITHOUT_DEPARTMENT:
            assert alone.status == "ambiguous" and code in alone.candidates
        else:
            assert alone.code == code, name


def test_departments_resolve_by_name(gtm):
    cases = [("Quiche", "14"), ("El Quiché", "14"), ("Peten", "17"), ("Huehetenango", "13")]
    cases += [("Depto. de Guatemala", "01"), ("SACATEPEQUEZ", "03"), ("Alta Verapaz", "16")]
    for value, expected in cases:
        assert gtm.resolve(value, level=1).code == expected, value


def test_mexico_codes_and_names_from_inegi(mex):
    states = [d for d in mex.children(None) if int(d.code) <= 32]
    assert len(states) == 32 and states[8].name == "Ciudad de México"
    municipalities = [d for d in mex.divisions.values() if d.level == 2]
    assert len([d for d in municipalities if not d.code.endswith("999")]) == 2351
    # INEGI's codes for "not specified" and for deaths abroad: tables count them.
    assert mex.resolve(" 09 999 ").code == "09999"
    assert mex.resolve(" 33 999 ").code == "33999"
    assert mex.resolve(" 01 001 ").code == "01001"
    assert mex.resolve("MX09015").code == "09015"
    assert mex.resolve(1001).code == "01001"
    assert mex.resolve("1", level=1).code == "01"
    assert mex.resolve("Tijuana").code == "02004"
    assert mex.resolve("Acapulco de Juarez").code == "12001"
    assert mex.resolve("Distrito Federal", level=1).code == "09"
    assert mex.resolve("Veracruz", level=1).code == "30"
    cuauhtemoc = mex.resolve("Cuauhtémoc")
    assert cuauhtemoc.status == "ambiguous" and len(cuauhtemoc.candidates) == 4
    assert "existe en 4 entidades" in cuauhtemoc.message()
    assert mex.resolve("Cuauhtemoc", parent="CDMX").code == "09015"
    assert mex.resolve("San Juan Mixtepec").candidates == ("20208", "20209")
    assert mex.population_path() is None
    assert "denominador" in mex.population_note_es and "denominator" in mex.population_note_en


def test_both_packs_pass_their_check():
    assert check_pack("gtm") == []
    assert check_pack("MEX") == []


def test_check_pack_lists_the_problems_of_a_broken_pack(tmp_path, monkeypatch):
    source = territory.files("ciudadana.standards") / "territories" / "mex"
    shutil.copy(str(source / "pack.yaml"), tmp_path / "pack.yaml")
    (tmp_path / "divisions.csv").write_text(
        "code,level,name,parent_code,aliases,lat,lon\n"
        "01,1,Uno,,,,\n"
        "01001,2,Alfa,01,,,\n"
        "01001,2,Alfa bis,01,,,\n"
        "02999,2,Huérfano,02,,,\n"
        "0100,2,Corto,01,,95,\n"
        "01002,2,Beta,01,Gamma,,\n"
        "01003,2,Gamma,01,,,\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(territory, "_folder", lambda iso3: tmp_path)
    problems = check_pack("XXX")
    assert "fila 3: código repetido 01001" in problems
    assert "fila 5: el padre 02 de 02999 no existe o no le toca" in problems
    assert "fila 6: 0100 no tiene los dígitos del nivel 2" in problems
    assert "fila 6: coordenadas incompletas o fuera de rango" in problems
    assert "01003 Gamma: su nombre oficial no lo identifica en su padre" in problems
    assert len(problems) == 6  # both rows of the repeated code


def test_population_totals_match_the_published_ones(gtm):
    totals: dict[tuple[int, str], float] = defaultdict(float)
    with gtm.population_path().open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        totals[(int(row["year"]), row["sex"])] += float(row["population"])
    for year, published in PUBLISHED_TOTALS.items():
        if "total" not in {sex for y, sex in totals if y == year}:  # 2011-2015: by sex only
            totals[(year, "total")] = totals[(year, "female")] + totals[(year, "male")]
        for sex, value in published.items():
            assert totals[(year, sex)] == pytest.approx(value, abs=2), (year, sex)
    assert {r["code"] for r in rows if r["year"] == "2018"} == set(MUNICIPALITIES) - {
        "0514", "1021", "1230", "1332", "1333", "1617", "1713", "1714", "1911",
    }  # fmt: skip
    ages = {(r["age_min"], r["age_max"]) for r in rows if r["year"] == "2013"}
    assert ("0", "0") in ages and ("64", "64") in ages and ("65", "") in ages


def test_population_note_carries_the_caveat(gtm):
    assert "2002" in gtm.population_note_es and "14,9 millones" in gtm.population_note_es
    assert "17.3 million" in gtm.population_note_en and "Sipacate" in gtm.population_note_en


def test_boundaries_are_topojson_with_the_codes_of_their_level(gtm):
    for level, count in ((1, 22), (2, 340)):
        path = gtm.boundaries_path(level)
        assert path.stat().st_size < 1_000_000
        topology = json.loads(path.read_text(encoding="utf-8"))
        assert topology["type"] == "Topology"
        (collection,) = topology["objects"].values()
        codes = [g["properties"]["code"] for g in collection["geometries"]]
        assert len(codes) == count and all(gtm.divisions[c].level == level for c in codes)


def test_pack_loads_into_duckdb_and_san_jose_resolves_by_department(gtm, tmp_path):
    con = duckdb.connect(str(tmp_path / "territorio.duckdb"))
    con.execute(
        "create table territory (iso3 varchar, code varchar, level integer, name varchar,"
        " parent_code varchar, key varchar, lat double, lon double)"
    )
    con.execute(
        "create table territory_alias (iso3 varchar, code varchar, alias varchar, key varchar)"
    )
    columns = ("iso3", "code", "level", "name", "parent_code", "key", "lat", "lon")
    con.executemany(
        "insert into territory values (?, ?, ?, ?, ?, ?, ?, ?)",
        [tuple(r[c] for c in columns) for r in gtm.rows()],
    )
    con.executemany(
        "insert into territory_alias values (?, ?, ?, ?)",
        [(r["iso3"], r["code"], r["alias"], r["key"]) for r in gtm.alias_rows()],
    )
    query = """
        select m.code
        from territory as m
        join territory as d on d.code = m.parent_code
        where m.key = ? and d.name = ?
    """
    assert con.execute(query, [match_key("San José"), "Petén"]).fetchall() == [("1702",)]
    alias = "select code from territory_alias where key = ?"
    assert con.execute(alias, [match_key("Petapa")]).fetchall() == [("0117",)]
    assert con.execute("select count(*) from territory").fetchone() == (362,)


def test_resolving_thousands_of_values_is_fast(gtm, mex):
    values = [name.upper() + suffix for name in MUNICIPALITIES.values() for suffix in ("", "x")]
    values += [d.name[:-1] for d in mex.divisions.values() if d.level == 2][:2000]
    start = time.perf_counter()
    for value in values[:680]:
        gtm.resolve(value)
    for value in values[680:]:
        mex.resolve(value)
    assert time.perf_counter() - start < 10
