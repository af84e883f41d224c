"""The reporting regime's periods and data cut-off windows (PRODUCT §8), a low floor: tasks (the done-task summary),
the dashboards and the reports all count by them. No models; it imports only the kernel (``common.calendar``)."""
