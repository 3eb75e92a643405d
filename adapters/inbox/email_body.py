"""An inbox event as an email body: plain text and HTML, the same content (bot.inbox.sections).

Every piece of text is HTML-escaped in the HTML part, and there are no links at all: web
addresses are already defanged (hxxps://evil[.]example) by the sections. The body never names
the reporter; the team reaches them through Tipline with the reference.
"""

from __future__ import annotations

import html as _html

from bot.inbox import Field, sections, subject
from bot.inbox.sections import Value
from bot.inbox_events import InboxEvent

# --- Plain text ----------------------------------------------------------------------------


def plain_text(event: InboxEvent) -> str:
    lines = [subject(event), ""]
    for section in sections(event):
        lines += [section.title, "-" * len(section.title)]
        for field in section.fields:
            lines += _plain_field(field)
        lines.append("")
    lines.append(_FOOTER)
    return "\n".join(lines) + "\n"


def _plain_field(field: Field) -> list[str]:
    if isinstance(field.value, str):
        first, *rest = field.value.splitlines() or [""]
        return [f"{field.label}: {first}", *(f"    {line}" for line in rest)]
    lines = [f"{field.label}:"]
    for item in field.value:
        first, *rest = item.splitlines() or [""]
        lines += [f"  - {first}", *(f"    {line}" for line in rest)]
    return lines


_FOOTER = (
    "Web addresses are shown as hxxp:// and [.] so that they cannot be opened by accident; "
    "the exact values are kept in the report. To reach the reporter, use Tipline with the reference."
)


# --- HTML ----------------------------------------------------------------------------------


def html(event: InboxEvent) -> str:
    """The same content as plain_text, with every piece of text escaped and no links at all."""
    title = _esc(subject(event))
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{title}</title></head>",
        '<body style="font-family: sans-serif; font-size: 14px;">',
        f'<h1 style="font-size: 18px;">{title}</h1>',
    ]
    for section in sections(event):
        out.append(f'<h2 style="font-size: 16px;">{_esc(section.title)}</h2>')
        out.append('<table cellpadding="4" style="border-collapse: collapse;">')
        for field in section.fields:
            out.append(
                f'<tr><th align="left" valign="top">{_esc(field.label)}</th>'
                f"<td>{_html_value(field.value)}</td></tr>"
            )
        out.append("</table>")
    out.append(f"<p><small>{_esc(_FOOTER)}</small></p>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _html_value(value: Value) -> str:
    if isinstance(value, str):
        return _esc_multiline(value)
    return "<ul>" + "".join(f"<li>{_esc_multiline(item)}</li>" for item in value) + "</ul>"


def _esc(text: str) -> str:
    return _html.escape(text, quote=True)


def _esc_multiline(text: str) -> str:
    return "<br>".join(_esc(line) for line in text.splitlines())
