"""Thin views, one module per phase of the lifecycle: parse the request, authorise through
`access` and the selectors, call a service, render or redirect.

- `home`: each role's dashboard; `lists`: the assignment list and a new assignment;
- `detail`: the assignment page and its transitions;
- `brief`, `selection`, `audit`, `plan`, `meetings`, `flags`: the steps of each phase;
- `notifications`: a person's notifications;
- `common`: what the step views share.

`assignments/urls.py` and `interim/urls.py` name each view by its module.
"""
