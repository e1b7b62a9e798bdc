"""Agents and apps ask the library: an MCP server (`qa mcp`) and a local HTTP API (`qa serve`),
both over one service that answers through the conversation API (qa.api)."""

from __future__ import annotations

from .errors import ServerError, UnknownConversation
from .http_api import build_app, is_loopback
from .mcp_server import build_mcp
from .service import Service

__all__ = [
    "ServerError",
    "Service",
    "UnknownConversation",
    "build_app",
    "build_mcp",
    "is_loopback",
]
