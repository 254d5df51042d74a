"""Document families: each family's evidence for classification, templates, extractors and checks.

One module per family (:mod:`~digitize.doctypes.gcn2009`, :mod:`~digitize.doctypes.gcn2024`,
:mod:`~digitize.doctypes.gcn_old`, :mod:`~digitize.doctypes.cccd`,
:mod:`~digitize.doctypes.cancuoc`, :mod:`~digitize.doctypes.cmnd`) declares a
:class:`~digitize.doctypes.family.Family`; :mod:`~digitize.doctypes.registry` lists them
explicitly.  The extractors and checks the families share live in ``gcn_*`` and ``card_*``
modules.  See ``docs/doctypes.md``.
"""
