"""CLI command: run the MCP server over stdio."""

from __future__ import annotations

from distill.cli import app


@app.command("mcp")
def mcp_server() -> None:
    """Run the MCP server on stdin/stdout, for AI assistants (Claude Desktop, editors, agents)."""
    from distill.mcp import build_server, run_stdio

    run_stdio(build_server())
