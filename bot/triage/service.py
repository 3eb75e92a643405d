"""What the security team does with a report: read it, search, and change it.

Platform-neutral: the CLI calls the methods; Slack's buttons and Teams' cards send commands to
`apply`, which never raises: a refusal, a refused change and a failure all come back as a
TriageResult with the words to show. Only members of the security team may act, checked on
every action; a refused attempt is audited like any other.
"""

from __future__ import annotations

from bot.actors import Actor
from bot.triage.actions import TriageAction
from bot.triage.changes import TriageChanges
from bot.triage.commands import (
    AUDIT_ACTION,
    COMMAND_OF,
    FAILED,
    REFUSAL,
    Acknowledge,
    Ask,
    Assign,
    Close,
    Link,
    Note,
    Reopen,
    TriageCommand,
    TriageResult,
    input_problem,
)
from bot.triage.core import NotAllowed, TriageError, log
from bot.triage.reads import TriageReads
from bot.triage.search import TriageSearch


class TriageService(TriageReads, TriageSearch, TriageChanges):
    async def apply(self, command: TriageCommand, actor: Actor) -> TriageResult:
        """Carry out one command for `actor`, and say what came of it."""
        problem = input_problem(command)
        if problem is not None:
            return TriageResult(done=False, text=problem)
        try:
            return await self._carry_out(command, actor)
        except NotAllowed:
            return TriageResult(done=False, text=REFUSAL, refused=True)
        except TriageError as exc:
            return TriageResult(done=False, text=str(exc))
        except Exception as exc:  # the analyst hears it failed; the log says what, never the words
            log.error(
                "triage: %s on %s failed: %s",
                AUDIT_ACTION[type(command)],
                command.reference,
                type(exc).__name__,
            )
            return TriageResult(done=False, text=FAILED)

    async def may(self, actor: Actor, action: TriageAction, reference: str | None = None) -> TriageResult:
        """Whether `actor` may start `action` (before a form opens): an outsider's attempt is
        refused and audited, filed with the report when `reference` is one."""
        try:
            await self.check_member(actor, AUDIT_ACTION[COMMAND_OF[action]], reference)
        except NotAllowed:
            return TriageResult(done=False, text=REFUSAL, refused=True)
        return TriageResult(done=True)

    async def _carry_out(self, command: TriageCommand, actor: Actor) -> TriageResult:
        ref = command.reference
        if isinstance(command, Acknowledge):
            return TriageResult(done=True, report=await self.acknowledge(ref, actor))
        if isinstance(command, Assign):
            return TriageResult(
                done=True, report=await self.assign(ref, command.analyst or actor.name, actor)
            )
        if isinstance(command, Ask):
            sign_as = actor.name if command.signed else None
            return TriageResult(
                done=True, message=await self.ask(ref, command.question.strip(), actor, sign_as)
            )
        if isinstance(command, Note):
            return TriageResult(done=True, message=await self.note(ref, command.text.strip(), actor))
        if isinstance(command, Close):
            assert command.outcome is not None  # input_problem refused it
            message = (command.message or "").strip() or None  # empty: the outcome's template
            return TriageResult(
                done=True, report=await self.close(ref, command.outcome, actor, message=message)
            )
        if isinstance(command, Reopen):
            return TriageResult(done=True, report=await self.reopen(ref, actor))
        if isinstance(command, Link):
            return TriageResult(done=True, report=await self.link(ref, command.other, command.kind, actor))
        raise TypeError(f"not a triage command: {type(command).__name__}")
