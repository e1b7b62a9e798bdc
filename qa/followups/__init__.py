"""The follow-up engine: how a question reads after the turns of a conversation ("what did he
say?" after "who raised sanctions?"), and the conversation that keeps those turns."""

from __future__ import annotations

from .conversation import Conversation
from .resolver import Resolution, Resolver

__all__ = ["Conversation", "Resolution", "Resolver"]
