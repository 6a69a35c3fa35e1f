"""`flaskcheck server` driven by a real LSP client (pytest-lsp over the release binary): the life
cycle, document sync and diagnostics, a cross-file refresh, code actions, hover, settings, and
what a broken file or a broken message does."""

import asyncio
import json
import pathlib
import subprocess
import time

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from conftest import FLASKCHECK, LEAK, MODELS, USERS, write_project


def recording_client() -> LanguageClient:
    """pytest-lsp's client, also keeping every publishDiagnostics (with its version) and the
    registrations the server asks for."""
    client = LanguageClient(converter_factory=default_converter)
    client.published = []
    client.registrations = []
    features = dict(DEFAULT_CLIENT_FEATURES)

    def publish(client: LanguageClient, params: types.PublishDiagnosticsParams):
        client.diagnostics[params.uri] = params.diagnostics
        client.published.append(params)

    def register(client: LanguageClient, params: types.RegistrationParams):
        client.registrations.extend(params.registrations)

    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish
    features[types.CLIENT_REGISTER_CAPABILITY] = register
    register_lsp_features(client, features)
    return client


CONFIG = ClientServerConfig(
    server_command=[FLASKCHECK, "server"], client_factory=recording_client
)


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient):
    """A client connected to a fresh server, not yet initialized (tests choose how)."""
    yield
    await lsp_client.shutdown_session()


async def start(
    client: LanguageClient,
    root: pathlib.Path,
    options: dict | None = None,
    capabilities: types.ClientCapabilities | None = None,
) -> types.InitializeResult:
    return await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities or client_capabilities("visual-studio-code"),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
            initialization_options=options,
        )
    )


async def eventually(condition, what: str, timeout: float = 15.0):
    """Waits until `condition()` holds (the server publishes on its own schedule)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def open_document(client: LanguageClient, path: pathlib.Path, text: str | None = None):
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=path.as_uri(),
                language_id="python",
                version=1,
                text=path.read_text() if text is None else text,
            )
        )
    )


def change_document(client, path: pathlib.Path, version: int, changes):
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(
                uri=path.as_uri(), version=version
            ),
            content_changes=changes,
        )
    )


def replace(start: tuple[int, int], end: tuple[int, int], text: str):
    return types.TextDocumentContentChangePartial(
        range=types.Range(
            start=types.Position(line=start[0], character=start[1]),
            end=types.Position(line=end[0], character=end[1]),
        ),
        text=text,
    )


def codes(client: LanguageClient, path: pathlib.Path) -> list[str]:
    return [d.code for d in client.diagnostics.get(path.as_uri(), [])]


def published_versions(client: LanguageClient, path: pathlib.Path) -> list:
    return [p.version for p in client.published if p.uri == path.as_uri()]


async def open_leaking_view(client: LanguageClient, project: pathlib.Path) -> pathlib.Path:
    """Starts the session on the project, opens `app/api/users.py` and waits for its FC101."""
    await start(client, project)
    users = project / "app/api/users.py"
    open_document(client, users)
    await eventually(lambda: codes(client, users) == ["FC101"], "FC101 on open")
    return users


async def test_initialize_negotiates_and_advertises(client: LanguageClient, project):
    result = await start(client, project)
    assert result.server_info.name == "flaskcheck"
    assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf16
    sync = result.capabilities.text_document_sync
    assert sync.change == types.TextDocumentSyncKind.Incremental
    assert sync.open_close is True
    assert result.capabilities.hover_provider is True
    assert list(result.capabilities.code_action_provider.code_action_kinds) == [
        types.CodeActionKind.QuickFix
    ]
    assert result.capabilities.workspace.workspace_folders.supported is True
    # VS Code registers file watchers dynamically: configuration files and Python files.
    await eventually(lambda: client.registrations, "the watcher registration")
    watchers = client.registrations[0].register_options["watchers"]
    assert [w["globPattern"] for w in watchers] == [
        "**/pyproject.toml",
        "**/flaskcheck.toml",
        "**/*.py",
    ]


async def test_open_change_save_close(client: LanguageClient, project):
    users = await open_leaking_view(client, project)

    (leak,) = client.diagnostics[users.as_uri()]
    assert (leak.range.start.line, leak.range.start.character) == LEAK
    assert (leak.range.end.line, leak.range.end.character) == (LEAK[0], LEAK[1] + 13)
    assert leak.severity == types.DiagnosticSeverity.Error
    assert leak.source == "flaskcheck"
    assert leak.code_description.href.endswith("/rules/FC101.md")
    assert leak.tags is None
    assert "`User` model instance" in leak.message
    # The related location is the helper's query, in another file.
    (related,) = leak.related_information
    assert related.location.uri == (project / "app/repository.py").as_uri()
    assert related.location.range.start == types.Position(line=4, character=11)
    assert "`User` loaded here" in related.message

    # An edit in the unsaved buffer: `user.email` is no longer the whole model.
    change_document(client, users, 2, [replace((10, 23), (10, 23), ".email")])
    await eventually(lambda: codes(client, users) == [], "the finding to go after the edit")
    assert published_versions(client, users)[-1] == 2
    # The file on disk still leaks; the buffer is what counts while it is open.
    assert "jsonify(user)\n" in users.read_text()

    # Saving publishes again, for the version saved.
    users.write_text(USERS.replace("jsonify(user)", "jsonify(user.email)"))
    count = len(client.published)
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=users.as_uri())
        )
    )
    await eventually(lambda: len(client.published) > count, "diagnostics on save")
    assert codes(client, users) == []

    # Back to the leak, then closing: the diagnostics are cleared.
    change_document(client, users, 3, [replace((10, 23), (10, 29), "")])
    await eventually(lambda: codes(client, users) == ["FC101"], "FC101 after the undo")
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=users.as_uri())
        )
    )
    await eventually(
        lambda: client.published[-1].uri == users.as_uri()
        and not client.published[-1].diagnostics,
        "the diagnostics to be cleared on close",
    )


async def test_typing_is_debounced(client: LanguageClient, project):
    users = await open_leaking_view(client, project)
    before = len(published_versions(client, users))
    # Ten keystrokes in quick succession: one analysis, for the last version.
    for index, letter in enumerate("ab = 12345"):
        change_document(client, users, 2 + index, [replace((11, index), (11, index), letter)])
    await eventually(
        lambda: published_versions(client, users)[-1] == 11, "the last version's diagnostics"
    )
    await asyncio.sleep(0.5)
    assert published_versions(client, users)[before:] == [11]


async def test_editing_models_refreshes_the_open_view(client: LanguageClient, project):
    """The index follows the unsaved buffer of another file: `User` stops being a model, and the
    FC101 in the open `api/users.py` goes."""
    await start(client, project)
    users = project / "app/api/users.py"
    models = project / "app/models.py"
    open_document(client, users)
    open_document(client, models)
    await eventually(lambda: codes(client, users) == ["FC101"], "FC101 on open")
    await eventually(lambda: models.as_uri() in client.diagnostics, "models.py's diagnostics")

    line = MODELS.splitlines().index("class User(db.Model):")
    change_document(client, models, 2, [replace((line, 10), (line, 20), "")])
    await eventually(lambda: codes(client, users) == [], "users.py to be refreshed")
    assert "(db.Model)" in models.read_text(), "the file on disk is untouched"

    # Closing the buffer brings back the model on disk, and the finding.
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=models.as_uri())
        )
    )
    await eventually(lambda: codes(client, users) == ["FC101"], "FC101 once models.py closes")


async def test_suppress_code_action(client: LanguageClient, project):
    await start(client, project)
    users = project / "app/api/users.py"
    text = USERS.replace("jsonify(user)\n", "jsonify(user)  # noqa: E501\n")
    open_document(client, users, text)
    await eventually(lambda: codes(client, users) == ["FC101"], "FC101 on open")
    (leak,) = client.diagnostics[users.as_uri()]

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=users.as_uri()),
            range=leak.range,
            context=types.CodeActionContext(diagnostics=[leak]),
        )
    )
    (action,) = actions
    assert action.title == "Suppress FC101 on this line"
    assert action.kind == types.CodeActionKind.QuickFix
    (edit,) = action.edit.changes[users.as_uri()]
    # The other tool's code stays; ours is added to the list.
    assert edit.range.start == edit.range.end == types.Position(line=10, character=38)
    assert edit.new_text == ", FC101"

    # Applied, it suppresses the finding.
    change_document(client, users, 2, [types.TextDocumentContentChangePartial(range=edit.range, text=edit.new_text)])
    await eventually(lambda: codes(client, users) == [], "the suppressed finding to go")

    # A client that names no diagnostics gets the actions of those under the range.
    clean = project / "app/api/clean.py"
    open_document(client, clean, USERS)
    await eventually(lambda: codes(client, clean) == ["FC101"], "FC101 in clean.py")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=clean.as_uri()),
            range=types.Range(start=types.Position(line=10, character=15), end=types.Position(line=10, character=15)),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    (action,) = actions
    (edit,) = action.edit.changes[clean.as_uri()]
    assert edit.new_text == "  # noqa: FC101"
    assert edit.range.start == types.Position(line=10, character=24)


async def test_hover_shows_the_rule_document(client: LanguageClient, project):
    users = await open_leaking_view(client, project)

    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=users.as_uri()),
            position=types.Position(line=LEAK[0], character=LEAK[1] + 3),
        )
    )
    assert hover.contents.kind == types.MarkupKind.Markdown
    markdown = hover.contents.value
    assert markdown.startswith("**FC101** `User` model instance")
    assert "*help:* serialize chosen fields" in markdown
    assert "# FC101 model-in-response" in markdown
    assert "## Why is this bad?" in markdown
    assert hover.range.start == types.Position(line=LEAK[0], character=LEAK[1])

    nothing = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=users.as_uri()),
            position=types.Position(line=0, character=2),
        )
    )
    assert nothing is None


async def test_a_syntax_error_is_a_diagnostic_and_the_server_goes_on(client: LanguageClient, project):
    await start(client, project)
    users = project / "app/api/users.py"
    broken = USERS.replace("def get_user(user_id):", "def get_user(user_id:")
    open_document(client, users, broken)
    await eventually(lambda: codes(client, users) == ["FC000"], "FC000 on open")
    (error,) = client.diagnostics[users.as_uri()]
    # Inside the open bracket the parser reads on, to the end of the next line.
    assert error.range.start.line == 9
    assert error.message.startswith("syntax error:")
    # No code action suppresses FC000 (a comment in a file that does not parse cannot).
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=users.as_uri()),
            range=error.range,
            context=types.CodeActionContext(diagnostics=[error]),
        )
    )
    assert not actions
    # Fixed, the file's real finding comes back.
    change_document(client, users, 2, [replace((8, 20), (8, 20), ")")])
    await eventually(lambda: codes(client, users) == ["FC101"], "FC101 after the fix")


async def test_configuration_and_initialization_options(client: LanguageClient, project):
    (project / "pyproject.toml").write_text(
        '[project]\nname = "proj"\n\n[tool.flaskcheck]\nignore = ["FC101"]\n'
    )
    await start(client, project, options={"ignore": ["FC201"]})
    users = project / "app/api/users.py"
    text = USERS + "\n\n@bp.route('/users', methods=['POST'])\ndef create():\n    from flask import request\n    from app.models import User\n    return User(**request.get_json())\n"
    open_document(client, users, text)
    await eventually(lambda: users.as_uri() in client.diagnostics, "diagnostics on open")
    assert codes(client, users) == [], "FC101 ignored by pyproject.toml, FC201 by the client"

    # The configuration changes on disk; the client reports it, the server reads it again.
    (project / "pyproject.toml").write_text('[project]\nname = "proj"\n\n[tool.flaskcheck]\nignore = []\n')
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=(project / "pyproject.toml").as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    expected = ["FC101", "FC101"]
    await eventually(lambda: codes(client, users) == expected, "FC101 after the reload")

    # A broken configuration is shown, and the settings in use stay.
    (project / "pyproject.toml").write_text('[tool.flaskcheck]\nselct = ["FC1"]\n')
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=(project / "pyproject.toml").as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    await eventually(lambda: any("selct" in m.message for m in client.messages), "the error shown")
    assert codes(client, users) == expected


async def test_utf8_positions_when_the_client_offers_them(client: LanguageClient, project):
    capabilities = client_capabilities("visual-studio-code")
    capabilities.general = types.GeneralClientCapabilities(
        position_encodings=[types.PositionEncodingKind.Utf8, types.PositionEncodingKind.Utf16]
    )
    result = await start(client, project, capabilities=capabilities)
    assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf8
    users = project / "app/api/users.py"
    # `é` is two bytes: the finding starts two columns later in UTF-8 than in characters.
    text = USERS.replace("    return jsonify(user)", "    é = 1; return jsonify(user)")
    open_document(client, users, text)
    await eventually(lambda: codes(client, users) == ["FC101"], "FC101 on open")
    (leak,) = client.diagnostics[users.as_uri()]
    assert leak.range.start == types.Position(line=10, character=len("    é = 1; return ".encode()))


async def test_unknown_requests_get_method_not_found(client: LanguageClient, project):
    # (Requests before `initialize` are refused by the client library itself; the raw test
    # below sends one.)
    await start(client, project)
    with pytest.raises(Exception, match="does not handle `flaskcheck/unknown`"):
        await client.protocol.send_request_async("flaskcheck/unknown", {})


def frame(message: dict | str) -> bytes:
    body = message if isinstance(message, str) else json.dumps(message)
    data = body.encode()
    return b"Content-Length: %d\r\n\r\n" % len(data) + data


def read_messages(stdout: bytes) -> list[dict]:
    messages = []
    while stdout:
        header, _, rest = stdout.partition(b"\r\n\r\n")
        length = int(header.split(b":")[1])
        messages.append(json.loads(rest[:length]))
        stdout = rest[length:]
    return messages


def test_malformed_messages_get_json_rpc_errors(project):
    """Below the client library: bytes that are not a message get the error the JSON-RPC
    specification names, and the server goes on to answer the next message."""
    stdin = b"".join(
        [
            frame("{not json"),
            frame({"jsonrpc": "2.0", "id": 1, "method": "textDocument/hover", "params": {}}),
            frame({"jsonrpc": "2.0", "id": 2, "method": 7}),
            frame({"jsonrpc": "2.0", "id": 3, "method": "initialize", "params": {"processId": None, "capabilities": {}, "rootUri": project.as_uri()}}),
            frame({"jsonrpc": "2.0", "id": 4, "method": "textDocument/hover", "params": {"textDocument": 3}}),
            frame({"jsonrpc": "2.0", "id": 5, "method": "shutdown"}),
            frame({"jsonrpc": "2.0", "method": "exit"}),
        ]
    )
    done = subprocess.run([FLASKCHECK, "server"], input=stdin, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    answers = {m.get("id", "none"): m for m in read_messages(done.stdout) if "method" not in m}
    assert answers[None]["error"]["code"] == -32700
    assert answers[1]["error"]["code"] == -32002
    assert answers[2]["error"]["code"] == -32600
    assert answers[3]["result"]["serverInfo"]["name"] == "flaskcheck"
    assert answers[4]["error"]["code"] == -32602
    assert answers[5]["result"] is None


def test_exit_without_shutdown_is_an_error_exit():
    done = subprocess.run(
        [FLASKCHECK, "server"], input=frame({"jsonrpc": "2.0", "method": "exit"}), capture_output=True, timeout=60
    )
    assert done.returncode == 1
