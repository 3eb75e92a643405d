"""Campaigns: every report about the same persona or cover company, however it was typed.

model.py       Campaign, Link and its Evidence, the statuses
resolution.py  are two reports about the same persona? the evidence, pure
linking.py     a report joins (or forms) its campaign as it is saved, from the report index
service.py     what the security team does with campaigns: list, show, confirm, rename, split,
               merge, dismiss (audited; membership checked)
views.py       a campaign's title and indicators, read from its reports
ports.py       what campaigns need from storage

Kept light: bot.ports imports ports.py, so nothing here imports the rest at package level.
"""
