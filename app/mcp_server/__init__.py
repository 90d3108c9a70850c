"""The MCP server (`commonplace mcp`): scope.py (what a client may see), service.py (the
tools as plain Python, audited), server.py (the official SDK's server and the command)."""
