"""The adopted matrix on the web: upload an Excel sheet or a Word table, say what its columns mean, preview, confirm."""

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from nsm.strategy.matrix import apply_matrix, load_mapping, read_matrix
from nsm.strategy.matrix_views import SESSION_KEY
from nsm.strategy.models import Activity, Result, Strategy
from tests.factories import InstitutionFactory, MembershipFactory, StrategyFactory, UserFactory
from tests.strategy.test_matrix_import import AKD, HEADERS, MEPJ, TWO_LEVELS, docx_matrix, matrix_rows, xlsx_matrix
from tests.strategy.workbook_support import load_code_lists

CODE = "AL-DIASPORA-2024"
MEANINGS = ["reference", "title_en", "responsible", "supporting", "timeframe", "cost_2025", "cost_2026", "source"]
MEANINGS += ["indicator", "baseline", "target_2026"]
SOURCES = "State budget = state_budget\nEU = donor"


@pytest.fixture(autouse=True)
def media(db, settings, tmp_path):
    """Uploads kept in a temporary folder; the institutions the matrix names; the two-level strategy it is of."""
    settings.MEDIA_ROOT = tmp_path / "media"
    load_code_lists()
    InstitutionFactory(code="MEPJ", name_sq=MEPJ, name_en="Ministry for Europe and Foreign Affairs")
    InstitutionFactory(code="AKD", name_sq=AKD, name_en="National Diaspora Agency")
    StrategyFactory(
        code=CODE,
        title_en="Diaspora action plan",
        levels=[{"name_en": "Section", "name_sq": "Seksioni"}, {"name_en": "Action", "name_sq": "Veprimi"}],
    )
    return tmp_path / "media"


def kept(media) -> list:
    return sorted((media / "imports").glob("*")) if (media / "imports").exists() else []


def upload(client, data: bytes, name: str = "plan.xlsx", strategy: str = CODE):
    file = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return client.post("/plan/import/matrix/", {"strategy": strategy, "file": file})


def columns(kind: str = "xlsx", **changes: Any) -> dict[str, Any]:
    """The columns form as the user fills it in for the two-level matrix."""
    data = {"position": "Matrix" if kind == "xlsx" else "1", "header_rows": 1, "sources": SOURCES, "heading_1": ""}
    data |= {f"col_{number}": meaning for number, meaning in enumerate(MEANINGS, start=1)}
    return data | changes


def test_an_excel_matrix_is_mapped_previewed_and_imported(coordinator, client_for, media):
    client = client_for(coordinator)
    response = upload(client, xlsx_matrix(matrix_rows()))
    assert response.status_code == 302
    assert response.url == "/plan/import/matrix/columns/"
    assert len(kept(media)) == 1
    page = client.get(response.url)
    assert page.status_code == 200
    content = page.content.decode()
    assert '<label for="id_col_3" class="form-label small fw-semibold">Column C: Responsible</label>' in content
    assert "Map the diaspora in Europe" in content  # the first rows, shown
    assert '<option value="cost_2026">' in content and '<option value="target_2024">' in content
    preview = client.post("/plan/import/matrix/columns/", columns())
    assert preview.status_code == 200, preview.context["form"].errors
    assert "Preview of the import" in preview.content.decode()
    assert preview.context["preview"].totals["created"] > 0
    assert not Activity.objects.exists()  # nothing written by the preview
    done = client.post("/plan/import/matrix/confirm/")
    assert done.status_code == 302
    assert done.url == f"/plan/{CODE}/"
    assert sorted(Activity.objects.values_list("code", "reference")) == [
        ("1.1", "ACTION 1"),
        ("1.2", "ACTION 2"),
        ("2.1", "ACTION 3"),
    ]
    assert sorted(Result.objects.values_list("code", "reference")) == [("1", "I"), ("2", "II")]
    plan = Strategy.objects.get(code=CODE)
    assert plan.matrix_mapping["columns"] == dict(zip("ABCDEFGHIJK", MEANINGS, strict=True))
    assert plan.matrix_mapping["sources"] == {"State budget": "state_budget", "EU": "donor"}
    assert plan.history.latest().history_user == coordinator
    assert kept(media) == []
    assert SESSION_KEY not in client.session


def test_a_word_table_is_mapped_by_column_number_and_imported(coordinator, client_for, media):
    client = client_for(coordinator)
    assert upload(client, docx_matrix(matrix_rows(), HEADERS), "plan.docx").status_code == 302
    page = client.get("/plan/import/matrix/columns/")
    assert "Column 3: Responsible" in page.content.decode()
    assert "Table 1 (6 rows)" in page.content.decode()
    preview = client.post("/plan/import/matrix/columns/", columns("docx"))
    assert preview.status_code == 200, preview.context["form"].errors
    assert preview.context["preview"].has_changes
    assert client.post("/plan/import/matrix/confirm/").status_code == 302
    assert sorted(Activity.objects.values_list("reference", flat=True)) == ["ACTION 1", "ACTION 2", "ACTION 3"]
    assert Strategy.objects.get(code=CODE).matrix_mapping["table"] == 1
    assert "1" in Strategy.objects.get(code=CODE).matrix_mapping["columns"]


def test_the_saved_mapping_prefills_the_next_upload_and_nothing_changes(coordinator, client_for, media):
    data = xlsx_matrix(matrix_rows())
    mapping = load_mapping({**TWO_LEVELS, "strategy": {"code": CODE}})
    apply_matrix(read_matrix(io.BytesIO(data), mapping, name="plan.xlsx"), mapping, by=coordinator)
    client = client_for(coordinator)
    upload(client, data)
    form = client.get("/plan/import/matrix/columns/").context["form"]
    assert form.initial["col_2"] == "title_en"
    assert form.initial["position"] == "Matrix"
    assert "EU = donor" in form.initial["sources"]
    as_shown = {name: form[name].value() or "" for name in form.fields}
    preview = client.post("/plan/import/matrix/columns/", as_shown)
    assert preview.status_code == 200
    assert not preview.context["preview"].has_changes
    assert "there is nothing to change" in preview.content.decode()
    assert kept(media) == []  # nothing to confirm: nothing kept


def test_a_wrong_mapping_shows_every_error_and_keeps_what_was_typed(coordinator, client_for, media):
    client = client_for(coordinator)
    upload(client, xlsx_matrix(matrix_rows()))
    typed = columns(col_1="title_en", col_3="ignore", heading_1="([", sources="EU = friends")
    response = client.post("/plan/import/matrix/columns/", typed)
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"col_1", "col_2", "heading_1", "sources", "__all__"}
    assert form.non_field_errors() == ['One column must be "responsible" (the lead institution).']
    content = response.content.decode()
    assert "The columns chosen cannot be read yet:" in content
    assert 'value="(["' in content
    assert "EU = friends</textarea>" in content
    assert '<option value="title_en" selected>' in content
    assert 'href="#id_heading_1"' in content  # the summary leads to the field
    assert not Activity.objects.exists()
    assert len(kept(media)) == 1  # still there, to map again


def test_errors_of_the_matrix_name_its_original_cells_on_the_columns_page(coordinator, client_for):
    client = client_for(coordinator)
    rows = matrix_rows()
    rows[4] = ["ACTION 3", "Open a desk", "AKD", None, "soon"]
    upload(client, xlsx_matrix(rows))
    response = client.post("/plan/import/matrix/columns/", columns())
    assert response.status_code == 200
    assert response.context["errors"][0].startswith('Matrix!E6: "soon" is not a timeframe')
    assert client.post("/plan/import/matrix/confirm/").status_code == 302  # no preview confirmed: back to upload
    assert not Activity.objects.exists()


def test_a_plan_changed_since_the_preview_is_previewed_again(coordinator, client_for):
    client = client_for(coordinator)
    data = xlsx_matrix(matrix_rows())
    upload(client, data)
    client.post("/plan/import/matrix/columns/", columns())
    rows = matrix_rows()[:2]
    mapping = load_mapping({**TWO_LEVELS, "strategy": {"code": CODE}})
    apply_matrix(read_matrix(io.BytesIO(xlsx_matrix(rows)), mapping, name="other.xlsx"), mapping, by=coordinator)
    response = client.post("/plan/import/matrix/confirm/")
    assert response.status_code == 200
    assert "The plan changed since the preview" in response.content.decode()
    assert Activity.objects.count() == 1
    assert client.post("/plan/import/matrix/confirm/").status_code == 302
    assert Activity.objects.count() == 3


def test_cancel_forgets_the_upload(coordinator, client_for, media):
    client = client_for(coordinator)
    upload(client, xlsx_matrix(matrix_rows()))
    assert client.post("/plan/import/matrix/cancel/").status_code == 302
    assert kept(media) == []
    assert client.get("/plan/import/matrix/columns/").url == "/plan/import/"


@pytest.mark.parametrize(
    ("name", "data", "sentence"),
    [
        ("plan.txt", b"just text", "neither an Excel workbook (.xlsx) nor a Word document (.docx)"),
        ("plan.docx", b"just text", "The file is not a Word document (.docx)."),
        ("plan.xlsx", b"just text", "not an Excel workbook"),
        ("plan.xlsx", b"x" * 2000, "The file is too large: the limit is 1000\xa0bytes."),
    ],
)
def test_a_refused_file_is_refused_in_a_sentence(name, data, sentence, coordinator, client_for, media, settings):
    settings.IMPORT_MAX_BYTES = 1000
    response = upload(client_for(coordinator), data, name)
    assert response.status_code == 200
    assert sentence in response.content.decode()
    assert kept(media) == []


@pytest.mark.parametrize("persona", ["viewer", "focal_point"])
def test_readers_may_not_import_a_matrix(persona, request, client_for, media):
    client = client_for(request.getfixturevalue(persona))
    assert upload(client, xlsx_matrix(matrix_rows())).status_code == 403
    assert client.get("/plan/import/matrix/columns/").status_code == 403
    assert client.post("/plan/import/matrix/confirm/").status_code == 403
    assert kept(media) == []


def test_another_countrys_editor_cannot_choose_the_strategy(client_for, media):
    user = UserFactory(username="outsider")
    MembershipFactory(user=user, institution=InstitutionFactory(code="XK-MPB", country="XK"), role="coordinator")
    client = client_for(user)
    assert CODE not in client.get("/plan/import/").content.decode()
    response = upload(client, xlsx_matrix(matrix_rows()))
    assert response.status_code == 200
    assert response.context["matrix_form"].errors["strategy"]
    assert kept(media) == []
