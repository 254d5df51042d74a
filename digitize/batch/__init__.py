"""``digitize batch``: bulk processing that survives crashes, hangs, kills and restarts.

A front end built on the core (:class:`digitize.engine.Engine`) and the store
(:mod:`digitize.store`): :mod:`.discovery` finds the inputs, :mod:`.ledger` records every
input and page in the store (the resume state), :mod:`.executors` run page tasks in worker
processes (local) or Ray actors, :mod:`.outputs` writes results atomically, :mod:`.runner`
coordinates, :mod:`.progress` reports and :mod:`.cli` is the command.  Only the
coordinating process writes to the store and the output folder.  Ray is imported only
by the Ray executor.
"""
