"""`flaskcheck mcp` driven by the official MCP Python SDK as the client: the tools listed, each
called (their structured results checked against their output schemas by the SDK), and bad
arguments answered with errors an assistant can act on."""

import contextlib
import pathlib

from mcp import ClientSession, StdioServerParameters, stdio_client

from conftest import FLASKCHECK, USERS


@contextlib.asynccontextmanager
async def connected(cwd: pathlib.Path):
    params = StdioServerParameters(command=FLASKCHECK, args=["mcp"], cwd=str(cwd))
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            yield session


def text_of(result) -> str:
    return "".join(block.text for block in result.content if block.type == "text")


async def test_tools_are_listed_with_their_schemas(project):
    async with connected(project) as session:
        listed = await session.list_tools()
        tools = {tool.name: tool for tool in listed.tools}
        assert sorted(tools) == ["explain_rule", "lint", "list_rules"]
        lint = tools["lint"]
        assert set(lint.input_schema["properties"]) == {
            "paths",
            "code",
            "filename",
            "project",
            "select",
            "ignore",
        }
        assert lint.output_schema["type"] == "object"
        assert "findings" in lint.output_schema["properties"]
        assert tools["explain_rule"].input_schema["required"] == ["code"]
        assert lint.annotations.read_only_hint is True


async def test_lint_a_file_with_its_project(project):
    async with connected(project) as session:
        await session.list_tools()
        result = await session.call_tool("lint", {"paths": ["app/api/users.py"]})
        assert not result.is_error, text_of(result)
        output = result.structured_content
        assert output["project"] == str(project)
        assert output["files_checked"] == 5
        (finding,) = output["findings"]
        assert finding["code"] == "FC101"
        assert finding["filename"] == "app/api/users.py"
        assert finding["location"] == {"row": 11, "column": 12}
        (related,) = finding["related"]
        assert related["filename"] == "app/repository.py"
        assert text_of(result).startswith("1 problem (5 files of ")
        assert "app/api/users.py:11:12: FC101 " in text_of(result)


async def test_lint_code_placed_in_the_project(project):
    async with connected(project) as session:
        await session.list_tools()
        # Proposed code for a new module: the project's `User` model makes it a leak.
        result = await session.call_tool(
            "lint",
            {"code": USERS, "filename": "app/api/admin.py", "project": str(project)},
        )
        assert not result.is_error, text_of(result)
        findings = result.structured_content["findings"]
        assert [(f["filename"], f["code"]) for f in findings] == [
            ("app/api/admin.py", "FC101")
        ]
        assert not (project / "app/api/admin.py").exists()

        fixed = USERS.replace("jsonify(user)", "jsonify({'email': user.email})")
        result = await session.call_tool(
            "lint", {"code": fixed, "filename": "app/api/users.py", "project": str(project)}
        )
        assert result.structured_content["findings"] == []
        assert text_of(result).startswith("No problems found")

        result = await session.call_tool(
            "lint", {"paths": ["app"], "ignore": ["FC101"], "project": str(project)}
        )
        assert result.structured_content["findings"] == []


async def test_rules_are_listed_and_explained(project):
    async with connected(project) as session:
        await session.list_tools()
        listed = await session.call_tool("list_rules", {})
        rules = listed.structured_content["rules"]
        assert "FC101" in [rule["code"] for rule in rules]
        assert all(set(rule) == {"code", "name", "severity", "confidence", "cwe", "summary"} for rule in rules)
        assert "FC101 model-in-response (high):" in text_of(listed)

        explained = await session.call_tool("explain_rule", {"code": "FC201"})
        assert not explained.is_error
        assert text_of(explained).startswith("# FC201 mass-assignment")
        assert "## Use instead" in text_of(explained)


async def test_bad_arguments_get_clear_errors(project):
    async with connected(project) as session:
        await session.list_tools()
        cases = [
            ("lint", {}, "nothing to check"),
            ("lint", {"code": "x = 1"}, "`code` needs `filename`"),
            ("lint", {"paths": ["missing.py"]}, "`missing.py` does not exist"),
            ("lint", {"paths": "app"}, "invalid type"),
            ("lint", {"paths": ["app"], "select": ["FC9"]}, "unknown rule code or prefix `FC9`"),
            ("lint", {"path": ["app"]}, "unknown field `path`"),
            ("explain_rule", {"code": "FC999"}, "unknown rule `FC999`"),
            ("explain_rule", {}, "missing field `code`"),
        ]
        for tool, arguments, expected in cases:
            result = await session.call_tool(tool, arguments)
            assert result.is_error, (tool, arguments)
            assert expected in text_of(result), (tool, arguments, text_of(result))
