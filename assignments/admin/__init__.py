"""Django admin for the lifecycle: a window on the services, never a side door.

State and the records the services write are read-only here. What changes them runs
through the same services as the web app: the transitions as buttons on an assignment's
page, the rest as actions on the lists. A row's plain fields are editable exactly while
the service that writes them would accept the admin's write.

- `lifecycle`: assignments, their transitions and their brief;
- `closeout`: close-outs with their review and evaluations, read-only;
- `phases`: candidacies, audit reports, action plans, commitments and meetings;
- `records`: flags, notifications and the history rows (transitions, drift, rounds,
  confirmations, ratings);
- `business`: the firms' leads of new business.
"""

from . import business, closeout, lifecycle, phases, records

__all__ = ["business", "closeout", "lifecycle", "phases", "records"]
