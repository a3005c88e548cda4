from enum import StrEnum


class GetAuditLogEventType(StrEnum):
    ALL = "all"
    CHECKPOINTS = "checkpoints"
    ORGANIZATIONS = "organizations"
    PROJECTS = "projects"
    TEAMS = "teams"

    def __str__(self) -> str:
        return str(self.value)
