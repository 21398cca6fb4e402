"""nhacviec (nhắc việc): follow-up of assigned tasks and deadlines for government offices."""

__version__ = "0.1.0"
