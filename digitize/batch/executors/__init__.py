"""Executors run page tasks in workers that each hold one Engine: local processes or Ray actors.

Both offer the same small interface (:class:`Executor`): ``free_slots``, ``submit``,
``wait`` (results and lost tasks), ``shutdown``.  A lost task is one whose worker crashed
or hung: the executor kills and replaces the worker and reports the loss; the coordinator
decides whether to try again.  :mod:`.ray_executor` is imported only when asked for.
"""

from digitize.batch.executors.base import Completed, Executor, ExecutorError, Lost

__all__ = ["Completed", "Executor", "ExecutorError", "Lost"]
